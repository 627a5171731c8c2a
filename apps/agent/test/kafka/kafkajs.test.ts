import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { CompressionTypes, Kafka, logLevel } from "kafkajs";
import { createTestDatabase, type TestDatabase } from "@streambed/db/testing";
import { registerKafkajsCodecs } from "../support/kafkajs-codecs.ts";
import { readPartition } from "../support/kafkajs-partition-reader.ts";
import { startTestAgent, tempBucket, type TestAgent } from "../support/test-agents.ts";

let db: TestDatabase;
let bucket: Awaited<ReturnType<typeof tempBucket>>;
let agent: TestAgent;
let kafka: Kafka;

beforeAll(async () => {
  registerKafkajsCodecs();
  db = await createTestDatabase(inject("postgresAdminUrl"));
  bucket = await tempBucket();
  agent = await startTestAgent({
    databaseUrl: db.url,
    bucketUrl: bucket.url,
    clusterId: "kafkajs",
  });
  kafka = new Kafka({
    clientId: "kafkajs-test",
    brokers: [agent.bootstrap],
    logLevel: logLevel.NOTHING,
    retry: { retries: 3 },
  });
});

afterAll(async () => {
  await agent?.stop();
  await db?.drop();
  await bucket?.remove();
});

describe("KafkaJS", () => {
  it("creates topics and lists them through Metadata", async () => {
    const admin = kafka.admin();
    await admin.connect();
    try {
      expect(await admin.createTopics({ topics: [{ topic: "orders", numPartitions: 3 }] })).toBe(
        true,
      );
      expect(await admin.createTopics({ topics: [{ topic: "orders", numPartitions: 3 }] })).toBe(
        false,
      );
      expect(await admin.listTopics()).toContain("orders");
      const metadata = await admin.fetchTopicMetadata({ topics: ["orders"] });
      expect(metadata.topics[0]!.partitions).toHaveLength(3);
    } finally {
      await admin.disconnect();
    }
  });

  for (const [name, codec] of Object.entries({
    none: CompressionTypes.None,
    gzip: CompressionTypes.GZIP,
    snappy: CompressionTypes.Snappy,
    lz4: CompressionTypes.LZ4,
    zstd: CompressionTypes.ZSTD,
  })) {
    it(`produces and reads back in order with ${name} compression, headers and null keys/values`, async () => {
      const topic = `codec-${name}`;
      const producer = kafka.producer({ allowAutoTopicCreation: true });
      await producer.connect();
      const messages = Array.from({ length: 50 }, (_, i) => ({
        key: i % 7 === 0 ? null : `k${i}`,
        value: i % 11 === 0 ? null : `v${i}-${"x".repeat(i)}`,
        headers: { seq: String(i) },
      }));
      try {
        const first = await producer.send({
          topic,
          compression: codec,
          acks: -1,
          messages: messages.slice(0, 25).map((m) => ({ ...m, partition: 0 })),
        });
        const second = await producer.send({
          topic,
          compression: codec,
          acks: -1,
          messages: messages.slice(25).map((m) => ({ ...m, partition: 0 })),
        });
        expect(first[0]!.baseOffset).toBe("0");
        expect(second[0]!.baseOffset).toBe("25");
      } finally {
        await producer.disconnect();
      }
      const read = await readPartition(agent.bootstrap, topic, 0, 0n, 50);
      expect(read.map((m) => m.offset)).toEqual(messages.map((_, i) => String(i)));
      expect(read.map((m) => m.key?.toString() ?? null)).toEqual(messages.map((m) => m.key));
      expect(read.map((m) => m.value?.toString() ?? null)).toEqual(messages.map((m) => m.value));
      expect(read.map((m) => m.headers.seq?.toString())).toEqual(
        messages.map((m) => m.headers.seq),
      );
    });
  }

  it("reports offsets through ListOffsets (earliest, latest, by timestamp)", async () => {
    const topic = "timestamps";
    const producer = kafka.producer({ allowAutoTopicCreation: true });
    await producer.connect();
    const base = Date.now() - 60_000;
    try {
      for (let i = 0; i < 5; i++) {
        await producer.send({
          topic,
          acks: -1,
          messages: [{ value: `m${i}`, timestamp: String(base + i * 1000), partition: 0 }],
        });
      }
    } finally {
      await producer.disconnect();
    }
    const admin = kafka.admin();
    await admin.connect();
    try {
      expect(await admin.fetchTopicOffsets(topic)).toEqual([
        { partition: 0, offset: "5", high: "5", low: "0" },
      ]);
      expect(await admin.fetchTopicOffsetsByTimestamp(topic, base + 2500)).toEqual([
        { partition: 0, offset: "3" },
      ]);
      expect(await admin.fetchTopicOffsetsByTimestamp(topic, base)).toEqual([
        { partition: 0, offset: "0" },
      ]);
      expect(await admin.fetchTopicOffsetsByTimestamp(topic, base + 3_600_000)).toEqual([
        { partition: 0, offset: "5" },
      ]);
    } finally {
      await admin.disconnect();
    }
  });

  it("stamps the append time on topics with message.timestamp.type=LogAppendTime", async () => {
    const admin = kafka.admin();
    await admin.connect();
    try {
      await admin.createTopics({
        topics: [
          {
            topic: "append-time",
            configEntries: [{ name: "message.timestamp.type", value: "LogAppendTime" }],
          },
        ],
      });
    } finally {
      await admin.disconnect();
    }
    const producer = kafka.producer();
    await producer.connect();
    const before = Date.now();
    try {
      const [result] = await producer.send({
        topic: "append-time",
        acks: -1,
        messages: [{ value: "old", timestamp: "1000", partition: 0 }],
      });
      expect(Number(result!.logAppendTime)).toBeGreaterThanOrEqual(before);
    } finally {
      await producer.disconnect();
    }
    const [read] = await readPartition(agent.bootstrap, "append-time", 0, 0n, 1);
    expect(Number(read!.timestamp)).toBeGreaterThanOrEqual(before);
  });
});
