import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { Kafka, logLevel, type SASLOptions } from "kafkajs";
import { createTestDatabase, type TestDatabase } from "@streambed/db/testing";
import { groupCoordinator } from "../src/cluster/ownership.ts";
import { PostgresMetadataStore } from "../src/metadata/postgres/postgres-metadata-store.ts";
import { createClusterWithCredential, type TestCluster } from "./support/console-credentials.ts";
import { startChildAgent, tempBucket, type ChildAgent } from "./support/test-agents.ts";

let db: TestDatabase;
let bucket: Awaited<ReturnType<typeof tempBucket>>;
let cluster: TestCluster;
const agents = new Map<string, ChildAgent>();

beforeAll(async () => {
  db = await createTestDatabase(inject("postgresAdminUrl"));
  bucket = await tempBucket();
  cluster = await createClusterWithCredential(db.pool);
  for (const id of ["agent-a", "agent-b"]) {
    agents.set(
      id,
      await startChildAgent({
        databaseUrl: db.url,
        bucketUrl: bucket.url,
        clusterId: "",
        extra: ["--agent-id", id, "--group-initial-rebalance-delay-ms", "0"],
      }),
    );
  }
});

afterAll(async () => {
  await Promise.all([...agents.values()].map((a) => a.kill("SIGKILL")));
  await db?.drop();
  await bucket?.remove();
});

describe("coordinator failover", () => {
  it("the group continues on another agent within the session timeout, committed offsets intact", async () => {
    const topic = "failover";
    const groupId = "failover-app";
    await new PostgresMetadataStore({ pool: db.pool }).createTopic(cluster.clusterId, topic, 6, {});
    const coordinatorId = groupCoordinator(cluster.clusterId, groupId, [
      { id: "agent-a" },
      { id: "agent-b" },
    ])!.id;
    const survivor = [...agents.entries()].find(([id]) => id !== coordinatorId)![1];
    const sasl = {
      mechanism: "scram-sha-512",
      username: cluster.username,
      password: cluster.password,
    } as SASLOptions;
    const kafka = new Kafka({
      clientId: "failover",
      brokers: [...agents.values()].map((a) => a.bootstrap),
      sasl,
      logLevel: logLevel.NOTHING,
    });
    const survivorOnly = new Kafka({
      clientId: "failover-admin",
      brokers: [survivor.bootstrap],
      sasl,
      logLevel: logLevel.NOTHING,
    });

    const produce = async (client: Kafka, from: number) => {
      const producer = client.producer();
      await producer.connect();
      await producer.send({
        topic,
        acks: -1,
        messages: Array.from({ length: 60 }, (_, i) => ({
          partition: i % 6,
          value: String(from + i),
        })),
      });
      await producer.disconnect();
    };
    await produce(kafka, 0);

    const seen: { value: string; at: number }[] = [];
    const consumer = kafka.consumer({
      groupId,
      sessionTimeout: 10_000,
      heartbeatInterval: 300,
      retry: { retries: 2, initialRetryTime: 200, maxRetryTime: 1000 },
    });
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      autoCommitInterval: 100,
      eachMessage: async ({ message }) =>
        void seen.push({ value: message.value!.toString(), at: Date.now() }),
    });
    const admin = survivorOnly.admin();
    await admin.connect();
    const committedAll = async (total: number) => {
      const [offsets] = await admin
        .fetchOffsets({ groupId, topics: [topic] })
        .catch(() => [undefined]);
      return (
        offsets?.partitions.reduce((sum, p) => sum + Math.max(0, Number(p.offset)), 0) === total
      );
    };
    await expect.poll(() => committedAll(60), { timeout: 20_000, interval: 200 }).toBe(true);

    await agents.get(coordinatorId)!.kill("SIGKILL");
    agents.delete(coordinatorId);
    const killedAt = Date.now();
    await produce(survivorOnly, 60);

    await expect
      .poll(() => new Set(seen.map((s) => s.value)).size, { timeout: 40_000, interval: 200 })
      .toBe(120);
    const recoveredAfterMs =
      Math.min(...seen.filter((s) => Number(s.value) >= 60).map((s) => s.at)) - killedAt;
    expect(recoveredAfterMs).toBeLessThan(10_000);
    const counts = new Map<number, number>();
    for (const s of seen) counts.set(Number(s.value), (counts.get(Number(s.value)) ?? 0) + 1);
    expect([...counts.keys()].sort((a, b) => a - b)).toEqual([...Array(120).keys()]);
    // Offsets committed before the crash hold: nothing before them is read again. Records read
    // after it may come twice (their commits went to the dead coordinator): at-least-once.
    expect([...counts].filter(([value, n]) => value < 60 && n > 1)).toEqual([]);
    await expect.poll(() => committedAll(120), { timeout: 20_000, interval: 200 }).toBe(true);
    await consumer.disconnect();
    await admin.disconnect();
  }, 90_000);
});
