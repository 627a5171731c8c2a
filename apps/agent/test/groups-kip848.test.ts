import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import {
  ApiKey,
  ErrorCode,
  type ConsumerGroupDescribeResponse,
  type ListGroupsResponse,
} from "@streambed/protocol";
import { createTestDatabase, type TestDatabase } from "@streambed/db/testing";
import { createTopic, kafkaClient } from "./support/kafkajs-admin.ts";
import { startKip848Member, type ConsumedRecord } from "./support/kip848-member.ts";
import { RawKafkaClient } from "./support/raw-kafka-client.ts";
import { startTestAgent, tempBucket, type TestAgent } from "./support/test-agents.ts";

let db: TestDatabase;
let bucket: Awaited<ReturnType<typeof tempBucket>>;
let agent: TestAgent;
let raw: RawKafkaClient;

beforeAll(async () => {
  db = await createTestDatabase(inject("postgresAdminUrl"));
  bucket = await tempBucket();
  agent = await startTestAgent({
    databaseUrl: db.url,
    bucketUrl: bucket.url,
    clusterId: "kip848",
    extra: [
      "--group-initial-rebalance-delay-ms",
      "0",
      "--group-consumer-heartbeat-interval-ms",
      "300",
    ],
  });
  raw = await RawKafkaClient.connect(agent.bootstrap);
});

afterAll(async () => {
  raw?.close();
  await agent?.stop();
  await db?.drop();
  await bucket?.remove();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function produce(topic: string, partitions: number, perPartition: number, tag: string) {
  const producer = kafkaClient(agent.bootstrap).producer();
  await producer.connect();
  for (let p = 0; p < partitions; p++) {
    await producer.send({
      topic,
      acks: -1,
      messages: Array.from({ length: perPartition }, (_, i) => ({
        partition: p,
        value: `${tag}-${i}`,
      })),
    });
  }
  await producer.disconnect();
}

function describeGroup(groupId: string) {
  return raw.request<ConsumerGroupDescribeResponse>(ApiKey.ConsumerGroupDescribe, 0, {
    groupIds: [groupId],
    includeAuthorizedOperations: false,
  });
}

/** Every offset below the high watermark consumed exactly once. */
function expectExactlyOnce(records: ConsumedRecord[], partitions: number, perPartition: number) {
  const seen = new Map<string, number>();
  for (const r of records) {
    const key = `${r.partition}:${r.offset}`;
    seen.set(key, (seen.get(key) ?? 0) + 1);
  }
  const duplicates = [...seen].filter(([, n]) => n > 1).map(([k]) => k);
  expect(duplicates).toEqual([]);
  for (let p = 0; p < partitions; p++)
    for (let o = 0; o < perPartition; o++) expect(seen.has(`${p}:${o}`), `${p}:${o}`).toBe(true);
}

describe("KIP-848 consumer groups (group.protocol=consumer, @platformatic/kafka)", () => {
  it("one member gets every partition, consumes and commits; ConsumerGroupDescribe shows it", async () => {
    const topic = "kip848-single";
    await createTopic(agent.bootstrap, topic, 4);
    await produce(topic, 4, 5, "a");
    const records: ConsumedRecord[] = [];
    const member = await startKip848Member({
      bootstrap: agent.bootstrap,
      groupId: "kip848-single",
      topics: [topic],
      name: "solo",
      onRecord: (r) => records.push(r),
    });
    try {
      await expect.poll(() => records.length, { timeout: 20_000 }).toBe(20);
      expectExactlyOnce(records, 4, 5);
      const { groups } = await describeGroup("kip848-single");
      expect(groups[0]).toMatchObject({
        errorCode: ErrorCode.NONE,
        groupState: "Stable",
        groupEpoch: 1,
        assignmentEpoch: 1,
        assignorName: "uniform",
      });
      expect(groups[0]!.members).toHaveLength(1);
      expect(groups[0]!.members[0]!.subscribedTopicNames).toEqual([topic]);
      expect(groups[0]!.members[0]!.assignment.topicPartitions[0]).toMatchObject({
        topicName: topic,
        partitions: [0, 1, 2, 3],
      });
    } finally {
      await member.stop();
    }
  });
});
