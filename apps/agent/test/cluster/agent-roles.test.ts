import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import type { Counter } from "prom-client";
import {
  ApiKey,
  ErrorCode,
  defaultProduceRequest,
  type ProduceResponse,
} from "@streambed/protocol";
import { createTestDatabase, type TestDatabase } from "@streambed/db/testing";
import { createTopic, kafkaClient } from "../support/kafkajs-admin.ts";
import { RawKafkaClient } from "../support/raw-kafka-client.ts";
import { batchOf } from "../support/record-batches.ts";
import { runPythonClient } from "../support/run-client.ts";
import { startTestAgent, tempBucket, type TestAgent } from "../support/test-agents.ts";

// One zone, three agents that split the work: writes, reads, background jobs.
let db: TestDatabase;
let bucket: Awaited<ReturnType<typeof tempBucket>>;
let writer: TestAgent;
let reader: TestAgent;
let jobs: TestAgent;

function agentWith(roles: string): Promise<TestAgent> {
  return startTestAgent({
    databaseUrl: db.url,
    bucketUrl: bucket.url,
    clusterId: "roles",
    extra: [
      "--roles",
      roles,
      "--zone",
      "z1",
      "--batch-timeout-ms",
      "20",
      "--group-initial-rebalance-delay-ms",
      "0",
    ],
  });
}

async function total(counter: Counter): Promise<number> {
  return (await counter.get()).values.reduce((sum, v) => sum + v.value, 0);
}

beforeAll(async () => {
  db = await createTestDatabase(inject("postgresAdminUrl"));
  bucket = await tempBucket();
  writer = await agentWith("produce,groups");
  reader = await agentWith("fetch");
  jobs = await agentWith("jobs");
});

afterAll(async () => {
  await Promise.all([writer, reader, jobs].map((a) => a?.stop()));
  await db?.drop();
  await bucket?.remove();
});

describe("agent roles", () => {
  it("lists the agents that serve clients, and leads every partition from the produce agent", async () => {
    await createTopic(jobs.bootstrap, "split", 6);
    const admin = kafkaClient(jobs.bootstrap).admin();
    await admin.connect();
    try {
      const cluster = await admin.describeCluster();
      expect(cluster.brokers.map((b) => `${b.host}:${b.port}`).sort()).toEqual(
        [writer.bootstrap, reader.bootstrap].sort(),
      );
      const nodeOf = (agent: TestAgent) =>
        cluster.brokers.find((b) => b.port === agent.kafkaPort)!.nodeId;
      const { topics } = await admin.fetchTopicMetadata({ topics: ["split"] });
      for (const p of topics[0]!.partitions) {
        expect(p.leader).toBe(nodeOf(writer));
        // The reader is a replica: clients accept a preferred read replica only among those.
        expect(p.replicas.sort()).toEqual([nodeOf(writer), nodeOf(reader)].sort());
      }
    } finally {
      await admin.disconnect();
    }
  });

  it("refuses writes on an agent without the produce role, so producers go to the leader", async () => {
    const client = await RawKafkaClient.connect(reader.bootstrap);
    try {
      const response = await client.request<ProduceResponse>(ApiKey.Produce, 9, {
        ...defaultProduceRequest(),
        acks: -1,
        timeoutMs: 5000,
        topicData: [
          { name: "split", partitionData: [{ index: 0, records: await batchOf("x", 1) }] },
        ],
      });
      expect(response.responses[0]!.partitionResponses[0]!.errorCode).toBe(
        ErrorCode.NOT_LEADER_OR_FOLLOWER,
      );
    } finally {
      client.close();
    }
  });

  it("sends librdkafka's reads to the fetch agent of its rack", async () => {
    await createTopic(writer.bootstrap, "rack", 4);
    const [fetchedByWriter, fetchedByReader] = await Promise.all([
      total(writer.metrics.fetchedBytes),
      total(reader.metrics.fetchedBytes),
    ]);
    const result = await runPythonClient<{
      acked: unknown[];
      consumed: unknown[];
      errors: string[];
    }>("confluent_roundtrip.py", [jobs.bootstrap, "rack", "400", "lz4", "4", "z1"]);
    expect(result.errors).toEqual([]);
    expect(result.acked).toHaveLength(400);
    expect(result.consumed).toHaveLength(400);
    expect(await total(writer.metrics.fetchedBytes)).toBe(fetchedByWriter);
    expect(await total(reader.metrics.fetchedBytes)).toBeGreaterThan(fetchedByReader);
    expect(await total(reader.metrics.producedBytes)).toBe(0);
  });

  it("sends a KafkaJS group member with a rackId to the fetch agent too", async () => {
    await createTopic(writer.bootstrap, "kjs", 2);
    const kafka = kafkaClient(jobs.bootstrap);
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({
      topic: "kjs",
      messages: Array.from({ length: 50 }, (_, i) => ({ value: `m${i}`, partition: i % 2 })),
    });
    await producer.disconnect();
    const fetchedByReader = await total(reader.metrics.fetchedBytes);

    const consumer = kafka.consumer({ groupId: "kjs-rack", rackId: "z1" });
    const seen = new Set<string>();
    await consumer.connect();
    try {
      await consumer.subscribe({ topic: "kjs", fromBeginning: true });
      await consumer.run({
        eachMessage: async ({ message }) => void seen.add(String(message.value)),
      });
      await expect.poll(() => seen.size, { timeout: 30_000 }).toBe(50);
    } finally {
      await consumer.disconnect();
    }
    expect(await total(reader.metrics.fetchedBytes)).toBeGreaterThan(fetchedByReader);
  });
});
