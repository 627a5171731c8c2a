import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "@streambed/db/testing";
import { PostgresMetadataStore } from "../src/metadata/postgres/postgres-metadata-store.ts";
import { createClusterWithCredential, type TestCluster } from "./support/console-credentials.ts";
import { runClient, runPythonClient } from "./support/run-client.ts";
import { startChildAgent, tempBucket, type ChildAgent } from "./support/test-agents.ts";

let db: TestDatabase;
let bucket: Awaited<ReturnType<typeof tempBucket>>;
let cluster: TestCluster;
let agent: ChildAgent | undefined;

beforeAll(async () => {
  db = await createTestDatabase(inject("postgresAdminUrl"));
  bucket = await tempBucket();
  cluster = await createClusterWithCredential(db.pool);
});

afterAll(async () => {
  await agent?.kill("SIGKILL");
  await db?.drop();
  await bucket?.remove();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("idempotent producer across an agent crash", () => {
  it("confluent-kafka with enable.idempotence: no duplicate and no loss when its agent is killed and restarted", async () => {
    const topic = "payments";
    await new PostgresMetadataStore({ pool: db.pool }).createTopic(cluster.clusterId, topic, 1, {});
    const options = {
      databaseUrl: db.url,
      bucketUrl: bucket.url,
      clusterId: "",
      extra: ["--agent-id", "crashing-agent"],
    };
    agent = await startChildAgent(options);
    const port = agent.kafkaPort;
    const count = 3000;
    const producing = runPythonClient<{ delivered: number; errors: string[] }>(
      "idempotent_producer.py",
      [agent.bootstrap, topic, String(count), cluster.username, cluster.password],
      120_000,
    );

    await sleep(1200);
    await agent.kill("SIGKILL");
    await sleep(500);
    agent = await startChildAgent({
      ...options,
      extra: [...options.extra, "--kafka-port", String(port)],
    });

    expect(await producing).toEqual({ delivered: count, errors: [] });
    const sasl = [
      "-X",
      "security.protocol=SASL_PLAINTEXT",
      "-X",
      "sasl.mechanisms=PLAIN",
      "-X",
      `sasl.username=${cluster.username}`,
      "-X",
      `sasl.password=${cluster.password}`,
    ];
    const out = await runClient(
      "kcat",
      ["-b", agent.bootstrap, ...sasl, "-C", "-t", topic, "-p", "0", "-o", "beginning", "-e", "-q"],
      { timeoutMs: 30_000 },
    );
    const values = out.trim().split("\n").map(Number);
    expect(values.length).toBe(count);
    expect(values).toEqual([...Array(count).keys()]);
  }, 150_000);
});
