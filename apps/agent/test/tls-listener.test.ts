import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { Kafka, logLevel } from "kafkajs";
import { createTestDatabase, type TestDatabase } from "@streambed/db/testing";
import { createClusterWithCredential, type TestCluster } from "./support/console-credentials.ts";
import { runClient } from "./support/run-client.ts";
import { makeCertificates } from "./support/test-certificates.ts";
import { startTestAgent, tempBucket, type TestAgent } from "./support/test-agents.ts";

let db: TestDatabase;
let bucket: Awaited<ReturnType<typeof tempBucket>>;
let certs: string;
let tlsAgent: TestAgent;
let mtlsAgent: TestAgent;
let tlsCluster: TestCluster;
let mtlsCluster: TestCluster;

beforeAll(async () => {
  db = await createTestDatabase(inject("postgresAdminUrl"));
  bucket = await tempBucket();
  certs = await mkdtemp(path.join(tmpdir(), "streambed-tls-"));
  await makeCertificates(certs);
  tlsCluster = await createClusterWithCredential(db.pool);
  mtlsCluster = await createClusterWithCredential(db.pool);
  const tls = [
    "--tls-cert",
    path.join(certs, "server.pem"),
    "--tls-key",
    path.join(certs, "server.key"),
  ];
  // Each agent is dedicated to its own cluster, so it is the only broker its clients are shown:
  // a client of the plain-TLS agent is never sent to the mTLS one (whose handshake it would fail
  // for want of a client certificate).
  const common = { databaseUrl: db.url, bucketUrl: bucket.url };
  tlsAgent = await startTestAgent({ ...common, clusterId: tlsCluster.clusterId, extra: tls });
  mtlsAgent = await startTestAgent({
    ...common,
    clusterId: mtlsCluster.clusterId,
    extra: [...tls, "--tls-client-ca", path.join(certs, "ca.pem")],
  });
});

afterAll(async () => {
  await tlsAgent?.stop();
  await mtlsAgent?.stop();
  await db?.drop();
  await bucket?.remove();
  if (certs) await rm(certs, { recursive: true, force: true });
});

/** kcat against one agent, with its cluster's credential. */
function kcat(
  agent: TestAgent,
  cluster: TestCluster,
  extra: string[],
  args: string[],
  input?: string,
): Promise<string> {
  const sasl = [
    "-X",
    "security.protocol=SASL_SSL",
    "-X",
    "sasl.mechanisms=SCRAM-SHA-512",
    "-X",
    `sasl.username=${cluster.username}`,
    "-X",
    `sasl.password=${cluster.password}`,
  ];
  return runClient(
    "kcat",
    [
      "-b",
      agent.bootstrap,
      ...sasl,
      "-X",
      `ssl.ca.location=${path.join(certs, "ca.pem")}`,
      ...extra,
      ...args,
    ],
    { input, timeoutMs: 20_000 },
  );
}

describe("TLS listener", () => {
  it("serves kcat over SASL_SSL with a certificate from a self-signed CA", async () => {
    await kcat(tlsAgent, tlsCluster, [], ["-P", "-t", "secure", "-p", "0"], "a\nb\n");
    const out = await kcat(
      tlsAgent,
      tlsCluster,
      [],
      ["-C", "-t", "secure", "-p", "0", "-o", "beginning", "-c", "2", "-e", "-q"],
    );
    expect(out.trim().split("\n")).toEqual(["a", "b"]);
  });

  it("serves KafkaJS over TLS and refuses plaintext on the TLS port", async () => {
    const ca = await readFile(path.join(certs, "ca.pem"), "utf8");
    const sasl = {
      mechanism: "plain" as const,
      username: tlsCluster.username,
      password: tlsCluster.password,
    };
    const secure = new Kafka({
      brokers: [tlsAgent.bootstrap],
      ssl: { ca: [ca] },
      sasl,
      logLevel: logLevel.NOTHING,
    });
    const admin = secure.admin();
    await admin.connect();
    try {
      expect(await admin.listTopics()).toContain("secure");
    } finally {
      await admin.disconnect();
    }
    const plaintext = new Kafka({
      brokers: [tlsAgent.bootstrap],
      sasl,
      logLevel: logLevel.NOTHING,
      retry: { retries: 0 },
      connectionTimeout: 2000,
    });
    await expect(plaintext.admin().connect()).rejects.toThrow();
  });

  it("requires a client certificate signed by the client CA when one is configured (mTLS)", async () => {
    const clientCert = [
      "-X",
      `ssl.certificate.location=${path.join(certs, "client.pem")}`,
      "-X",
      `ssl.key.location=${path.join(certs, "client.key")}`,
    ];
    await kcat(mtlsAgent, mtlsCluster, clientCert, ["-P", "-t", "secure", "-p", "0"], "m\n");
    expect(await kcat(mtlsAgent, mtlsCluster, clientCert, ["-L", "-m", "5"])).toContain(
      'topic "secure"',
    );
    await expect(kcat(mtlsAgent, mtlsCluster, [], ["-L", "-m", "3"])).rejects.toThrow();
  });
});
