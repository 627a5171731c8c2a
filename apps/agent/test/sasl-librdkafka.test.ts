import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "@streambed/db/testing";
import { createClusterWithCredential, type TestCluster } from "./support/console-credentials.ts";
import { runClient, runPythonClient } from "./support/run-client.ts";
import { startTestAgent, tempBucket, type TestAgent } from "./support/test-agents.ts";

let db: TestDatabase;
let bucket: Awaited<ReturnType<typeof tempBucket>>;
let agent: TestAgent;
let cluster: TestCluster;

beforeAll(async () => {
  db = await createTestDatabase(inject("postgresAdminUrl"));
  bucket = await tempBucket();
  cluster = await createClusterWithCredential(db.pool);
  agent = await startTestAgent({
    databaseUrl: db.url,
    bucketUrl: bucket.url,
    clusterId: "",
    extra: ["--group-initial-rebalance-delay-ms", "0"],
  });
});

afterAll(async () => {
  await agent?.stop();
  await db?.drop();
  await bucket?.remove();
});

const mechanisms = ["PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512"] as const;

function kcat(
  mechanism: string,
  password: string,
  args: string[],
  input?: string,
): Promise<string> {
  const sasl = [
    "-X",
    "security.protocol=SASL_PLAINTEXT",
    "-X",
    `sasl.mechanisms=${mechanism}`,
    "-X",
    `sasl.username=${cluster.username}`,
    "-X",
    `sasl.password=${password}`,
  ];
  return runClient("kcat", ["-b", agent.bootstrap, ...sasl, ...args], { input, timeoutMs: 20_000 });
}

describe("SASL with librdkafka and kafka-python clients", () => {
  for (const mechanism of mechanisms) {
    it(`kcat produces and consumes with ${mechanism}`, async () => {
      const topic = `kcat-${mechanism.toLowerCase()}`;
      await kcat(mechanism, cluster.password, ["-P", "-t", topic, "-p", "0"], "one\ntwo\nthree\n");
      const out = await kcat(mechanism, cluster.password, [
        "-C",
        "-t",
        topic,
        "-p",
        "0",
        "-o",
        "beginning",
        "-c",
        "3",
        "-e",
        "-q",
      ]);
      expect(out.trim().split("\n")).toEqual(["one", "two", "three"]);
    });
  }

  for (const mechanism of mechanisms) {
    it(`confluent-kafka idempotent producer and group consumer with ${mechanism}`, async () => {
      const topic = `py-${mechanism.toLowerCase()}`;
      const result = await runPythonClient<{
        delivered: number;
        errors: string[];
        consumed: string[];
      }>("sasl_roundtrip.py", [
        agent.bootstrap,
        topic,
        mechanism,
        cluster.username,
        cluster.password,
      ]);
      expect(result).toEqual({
        delivered: 5,
        errors: [],
        consumed: [0, 1, 2, 3, 4].map((i) => `${mechanism}-${i}`),
      });
    }, 60_000);
  }

  for (const mechanism of mechanisms) {
    it(`kafka-python (SaslHandshake v0, bare tokens) produces and consumes with ${mechanism}`, async () => {
      const topic = `kp-${mechanism.toLowerCase()}`;
      const result = await runPythonClient<{ consumed: string[] }>("sasl_kafka_python.py", [
        agent.bootstrap,
        topic,
        mechanism,
        cluster.username,
        cluster.password,
      ]);
      expect(result.consumed).toEqual([0, 1, 2].map((i) => `${mechanism}-${i}`));
    }, 60_000);
  }

  // Last: failed attempts count against this address's rate limit.
  it("kcat with a wrong password fails to authenticate", async () => {
    await expect(kcat("SCRAM-SHA-256", "wrong-password", ["-L", "-m", "3"])).rejects.toThrow(
      /Authentication failed/,
    );
  });
});
