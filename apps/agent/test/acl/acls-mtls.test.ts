import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { Kafka, logLevel } from "kafkajs";
import { createTestDatabase, type TestDatabase } from "@streambed/db/testing";
import { PostgresMetadataStore } from "../../src/metadata/postgres/postgres-metadata-store.ts";
import { createClusterWithCredential } from "../support/console-credentials.ts";
import { makeCertificates } from "../support/test-certificates.ts";
import { startTestAgent, tempBucket, type TestAgent } from "../support/test-agents.ts";

let db: TestDatabase;
let bucket: Awaited<ReturnType<typeof tempBucket>>;
let certs: string;
let agent: TestAgent;

const aclRows = (clusterId: string, rows: [string, string, string][]) =>
  Promise.all(
    rows.map(([principal, operation, resource], i) =>
      db.pool.query(
        `INSERT INTO acl_bindings (id, cluster_id, resource_type, resource_name, pattern_type, principal, host, operation, permission)
         VALUES ($1, $2, $3, $4, 'LITERAL', $5, '*', $6, 'ALLOW')`,
        [`acl-${i}`, clusterId, ...resource.split(":"), principal, operation],
      ),
    ),
  );

beforeAll(async () => {
  db = await createTestDatabase(inject("postgresAdminUrl"));
  bucket = await tempBucket();
  certs = await mkdtemp(path.join(tmpdir(), "streambed-acl-tls-"));
  await makeCertificates(certs, {
    alice: "/O=Acme/OU=eng/CN=Alice",
    carol: "/O=Acme/OU=ops/CN=carol",
  });
  // No SASL: the certificate alone names the principal.
  const { clusterId } = await createClusterWithCredential(db.pool, {
    requireSasl: false,
    autoCreateTopics: false,
  });
  await db.pool.query("UPDATE virtual_clusters SET acl_enforcement = true WHERE id = $1", [
    clusterId,
  ]);
  await new PostgresMetadataStore({ pool: db.pool }).createTopic(clusterId, "m-orders", 1, {});
  await aclRows(clusterId, [
    // Alice's subject is mapped by the rule; carol's falls through to DEFAULT (the whole subject).
    ["User:alice", "WRITE", "TOPIC:m-orders"],
    ["User:CN=carol,OU=ops,O=Acme", "READ", "TOPIC:m-orders"],
  ]);
  agent = await startTestAgent({
    databaseUrl: db.url,
    bucketUrl: bucket.url,
    clusterId,
    extra: [
      "--tls-cert",
      path.join(certs, "server.pem"),
      "--tls-key",
      path.join(certs, "server.key"),
      "--tls-client-ca",
      path.join(certs, "ca.pem"),
      "--ssl-principal-mapping-rules",
      "RULE:^CN=([^,]*),OU=eng,.*$/$1/L,DEFAULT",
    ],
  });
});

afterAll(async () => {
  await agent?.stop();
  await db?.drop();
  await bucket?.remove();
  if (certs) await rm(certs, { recursive: true, force: true });
});

async function client(name: string): Promise<Kafka> {
  const read = (file: string) => readFile(path.join(certs, file), "utf8");
  const [ca, cert, key] = await Promise.all([
    read("ca.pem"),
    read(`${name}.pem`),
    read(`${name}.key`),
  ]);
  return new Kafka({
    clientId: "acl-mtls",
    brokers: [agent.bootstrap],
    ssl: { ca: [ca], cert, key },
    logLevel: logLevel.NOTHING,
    retry: { retries: 0 },
  });
}

async function produce(kafka: Kafka, idempotent: boolean): Promise<string> {
  // KafkaJS insists on retries for an idempotent producer; authorization errors are not retried.
  const producer = kafka.producer({
    idempotent,
    allowAutoTopicCreation: false,
    retry: { retries: idempotent ? 1 : 0 },
  });
  try {
    await producer.connect();
    await producer.send({ topic: "m-orders", messages: [{ value: "v" }] });
    return "ok";
  } catch (err) {
    for (let e = err as { type?: string; cause?: unknown } | undefined; e; e = e.cause as typeof e)
      if (e.type) return e.type;
    return (err as Error).message;
  } finally {
    await producer.disconnect();
  }
}

describe("ACLs for mutual-TLS principals", () => {
  it("maps certificate subjects with the rules and applies the ACLs to them", async () => {
    const alice = await client("alice");
    const carol = await client("carol");
    // An idempotent producer's InitProducerId passes on WRITE to some topic (no IDEMPOTENT_WRITE).
    expect(await produce(alice, true)).toBe("ok");
    // READ implies DESCRIBE, so carol sees the topic, but producing is refused.
    expect(await produce(carol, false)).toBe("TOPIC_AUTHORIZATION_FAILED");
    // Without WRITE on any topic nor IDEMPOTENT_WRITE, InitProducerId is refused.
    expect(await produce(carol, true)).toBe("CLUSTER_AUTHORIZATION_FAILED");
    const admin = carol.admin();
    await admin.connect();
    try {
      expect(await admin.listTopics()).toEqual(["m-orders"]);
    } finally {
      await admin.disconnect();
    }
  });
});
