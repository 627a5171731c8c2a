// Kafka transactions with KafkaJS 2.2.4 against a real agent and Postgres.
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { Kafka, logLevel } from "kafkajs";
import { createTestDatabase, type TestDatabase } from "@streambed/db/testing";
import { startTestAgent, tempBucket, type TestAgent } from "../support/test-agents.ts";

let db: TestDatabase;
let bucket: Awaited<ReturnType<typeof tempBucket>>;
let agent: TestAgent;
let kafka: Kafka;

beforeAll(async () => {
  db = await createTestDatabase(inject("postgresAdminUrl"));
  bucket = await tempBucket();
  agent = await startTestAgent({
    databaseUrl: db.url,
    bucketUrl: bucket.url,
    clusterId: "kafkajs-txn",
    extra: ["--batch-timeout-ms", "20", "--group-initial-rebalance-delay-ms", "0"],
  });
  kafka = new Kafka({
    clientId: "kafkajs-txn-test",
    brokers: [agent.bootstrap],
    logLevel: logLevel.NOTHING,
    retry: { retries: 5 },
  });
});

afterAll(async () => {
  await agent?.stop();
  await db?.drop();
  await bucket?.remove();
});

/** Every record of `topic` a consumer of the given isolation reads, per partition, once `expected` arrived. */
async function readAll(
  topic: string,
  readUncommitted: boolean,
  expected: number,
): Promise<Record<number, string[]>> {
  const consumer = kafka.consumer({
    groupId: `reader-${topic}-${readUncommitted}`,
    readUncommitted,
    maxWaitTimeInMs: 200,
  });
  const seen: Record<number, string[]> = {};
  let count = 0;
  let arrived!: () => void;
  const all = new Promise<void>((resolve) => (arrived = resolve));
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ partition, message }) => {
      (seen[partition] ??= []).push(message.value!.toString());
      if (++count >= expected) arrived();
    },
  });
  await Promise.race([all, new Promise((r) => setTimeout(r, 30_000))]);
  // A little longer: anything beyond `expected` would show up too.
  await new Promise((r) => setTimeout(r, 1000));
  await consumer.disconnect();
  return seen;
}

describe("transactions with KafkaJS", () => {
  it("commits and aborts alternately over many partitions; consumers see what their isolation allows, in order", async () => {
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: "kjs-alternating", numPartitions: 5 }] });
    await admin.disconnect();
    const producer = kafka.producer({
      transactionalId: "kjs-alternating",
      idempotent: true,
      maxInFlightRequests: 1,
    });
    await producer.connect();
    const committed: Record<number, string[]> = {};
    const all: Record<number, string[]> = {};
    for (let t = 0; t < 8; t++) {
      const txn = await producer.transaction();
      const messages = Array.from({ length: 40 }, (_, r) => ({
        partition: r % 5,
        value: `t${t}-r${r}`,
      }));
      await txn.send({ topic: "kjs-alternating", messages });
      for (const m of messages) (all[m.partition] ??= []).push(m.value);
      if (t % 2 === 0) {
        await txn.commit();
        for (const m of messages) (committed[m.partition] ??= []).push(m.value);
      } else {
        await txn.abort();
      }
    }
    await producer.disconnect();
    expect(await readAll("kjs-alternating", false, 160)).toEqual(committed);
    expect(await readAll("kjs-alternating", true, 320)).toEqual(all);
  }, 120_000);

  it("makes transactional offsets visible to the group only when the transaction commits", async () => {
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: "kjs-offsets", numPartitions: 1 }] });
    const producer = kafka.producer({
      transactionalId: "kjs-offsets",
      maxInFlightRequests: 1,
      idempotent: true,
    });
    await producer.connect();
    const offsetOf = async () =>
      (await admin.fetchOffsets({ groupId: "kjs-group", topics: ["kjs-offsets"] }))[0]!
        .partitions[0]!.offset;
    const sendOffset = async (offset: string, commit: boolean) => {
      const txn = await producer.transaction();
      await txn.send({ topic: "kjs-offsets", messages: [{ value: offset }] });
      await txn.sendOffsets({
        consumerGroupId: "kjs-group",
        topics: [{ topic: "kjs-offsets", partitions: [{ partition: 0, offset }] }],
      });
      const before = await offsetOf();
      if (commit) await txn.commit();
      else await txn.abort();
      return before;
    };
    expect(await sendOffset("42", true)).toBe("-1");
    expect(await offsetOf()).toBe("42");
    expect(await sendOffset("50", false)).toBe("42");
    expect(await offsetOf()).toBe("42");
    await producer.disconnect();
    await admin.disconnect();
  }, 60_000);
});
