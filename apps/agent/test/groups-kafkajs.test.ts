import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { Kafka, logLevel, type Consumer, type SASLOptions } from "kafkajs";
import { createTestDatabase, type TestDatabase } from "@streambed/db/testing";
import { createClusterWithCredential, type TestCluster } from "./support/console-credentials.ts";
import { startTestAgent, tempBucket, type TestAgent } from "./support/test-agents.ts";

let db: TestDatabase;
let bucket: Awaited<ReturnType<typeof tempBucket>>;
let agent: TestAgent;
let cluster: TestCluster;
let kafka: Kafka;

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
  const sasl = {
    mechanism: "scram-sha-256",
    username: cluster.username,
    password: cluster.password,
  } as SASLOptions;
  kafka = new Kafka({
    clientId: "groups-test",
    brokers: [agent.bootstrap],
    sasl,
    logLevel: logLevel.NOTHING,
  });
});

afterAll(async () => {
  await agent?.stop();
  await db?.drop();
  await bucket?.remove();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Consumption {
  member: string;
  partition: number;
  offset: bigint;
}

describe("consumer groups with KafkaJS", () => {
  it("3 members join and leave one by one on 12 partitions: every record consumed, duplicates only across rebalances", async () => {
    const topic = "group-orders";
    const groupId = "orders-app";
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic, numPartitions: 12 }] });

    const consumed: Consumption[] = [];
    const startMember = async (member: string): Promise<Consumer> => {
      const consumer = kafka.consumer({
        groupId,
        sessionTimeout: 10_000,
        rebalanceTimeout: 10_000,
        heartbeatInterval: 300,
      });
      await consumer.connect();
      await consumer.subscribe({ topic, fromBeginning: true });
      const joined = new Promise<void>((resolve) =>
        consumer.on(consumer.events.GROUP_JOIN, () => resolve()),
      );
      await consumer.run({
        autoCommitInterval: 200,
        eachMessage: async ({ partition, message }) => {
          consumed.push({ member, partition, offset: BigInt(message.offset) });
        },
      });
      await joined;
      return consumer;
    };

    const producer = kafka.producer();
    await producer.connect();
    let producing = true;
    let sent = 0;
    const production = (async () => {
      while (producing) {
        await producer.send({
          topic,
          acks: -1,
          messages: Array.from({ length: 12 }, (_, i) => ({ partition: i, value: `r${sent + i}` })),
        });
        sent += 12;
        await sleep(30);
      }
    })();

    const c1 = await startMember("c1");
    await sleep(1000);
    const c2 = await startMember("c2");
    await sleep(1000);
    const c3 = await startMember("c3");
    await sleep(1000);
    await c1.disconnect();
    await sleep(1000);
    await c2.disconnect();
    await sleep(1000);
    producing = false;
    await production;
    await producer.disconnect();

    const high = new Map(
      (await admin.fetchTopicOffsets(topic)).map((p) => [p.partition, BigInt(p.high)]),
    );
    const total = [...high.values()].reduce((a, b) => a + b, 0n);
    expect(total).toBe(BigInt(sent));
    // The last member catches up and commits up to the high watermarks.
    await expect
      .poll(
        async () => {
          const [offsets] = await admin.fetchOffsets({ groupId, topics: [topic] });
          return offsets!.partitions.every((p) => BigInt(p.offset) === high.get(p.partition));
        },
        { timeout: 15_000, interval: 300 },
      )
      .toBe(true);
    await c3.disconnect();

    const seen = new Map<string, string[]>();
    for (const c of consumed) {
      const key = `${c.partition}:${c.offset}`;
      seen.set(key, [...(seen.get(key) ?? []), c.member]);
    }
    for (const [partition, hw] of high) {
      for (let offset = 0n; offset < hw; offset++)
        expect(seen.has(`${partition}:${offset}`), `${partition}:${offset}`).toBe(true);
    }
    expect(seen.size).toBe(sent);
    // A record is seen twice only when its partition moved to another member before the commit.
    for (const [key, members] of seen) {
      if (members.length > 1) expect(new Set(members).size, key).toBeGreaterThan(1);
    }
    const described = await admin.describeGroups([groupId]);
    expect(described.groups[0]!.state).toBe("Empty");
    await admin.disconnect();
  }, 60_000);
});
