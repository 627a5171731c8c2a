import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { ConfigResourceTypes, type Admin } from "kafkajs";
import { createTestDatabase, type TestDatabase } from "@streambed/db/testing";
import { createTopic, kafkaClient } from "../support/kafkajs-admin.ts";
import { readPartition } from "../support/kafkajs-partition-reader.ts";
import { until } from "../support/object-levels.ts";
import { runPythonClient } from "../support/run-client.ts";
import { startTestAgent, tempBucket, type TestAgent } from "../support/test-agents.ts";

let db: TestDatabase;
let bucket: Awaited<ReturnType<typeof tempBucket>>;
let agent: TestAgent;
let admin: Admin;

beforeAll(async () => {
  db = await createTestDatabase(inject("postgresAdminUrl"));
  bucket = await tempBucket();
  // Jobs every 300 ms; a key map of 1 MiB (39,321 keys) so that many keys take several passes.
  agent = await startTestAgent({
    databaseUrl: db.url,
    bucketUrl: bucket.url,
    clusterId: "compacted",
    extra: [
      "--retention-check-interval-ms",
      "300",
      "--object-deletion-grace-ms",
      "1000",
      "--compacted-topic-map-bytes",
      String(1024 * 1024),
    ],
  });
  admin = kafkaClient(agent.bootstrap).admin();
  await admin.connect();
});

afterAll(async () => {
  await admin?.disconnect();
  await agent?.stop();
  await db?.drop();
  await bucket?.remove();
});

type Row = [number, string, string | null];
interface Read {
  low: number;
  high: number;
  records: Row[];
}

const readWithConfluent = (topic: string, from = 0) =>
  runPythonClient<Read>("compacted_topic.py", ["read", agent.bootstrap, topic, String(from)]);

async function produceWithConfluent(topic: string, records: [string, string | null][]) {
  const out = await runPythonClient<{ acked: number[]; errors: string[] }>("compacted_topic.py", [
    "produce",
    agent.bootstrap,
    topic,
    "lz4",
    JSON.stringify(records),
  ]);
  expect(out.errors).toEqual([]);
  return out.acked;
}

async function setConfigs(topic: string, configs: Record<string, string>) {
  await admin.alterConfigs({
    validateOnly: false,
    resources: [
      {
        type: ConfigResourceTypes.TOPIC,
        name: topic,
        configEntries: Object.entries(configs).map(([name, value]) => ({ name, value })),
      },
    ],
  });
}

const keys = (from: number, to: number) =>
  Array.from({ length: to - from }, (_, i) => `k${from + i}`);

describe("compacted topics (cleanup.policy=compact)", () => {
  it("keeps the last value of each key at its offset, then drops tombstones after delete.retention.ms (confluent-kafka)", async () => {
    const configs = {
      "cleanup.policy": "compact",
      "min.cleanable.dirty.ratio": "0.01",
      "delete.retention.ms": "3600000",
    };
    await createTopic(
      agent.bootstrap,
      "latest",
      1,
      Object.entries(configs).map(([name, value]) => ({ name, value })),
    );
    // 0..19: k0..k19 = a; 20..29: k0..k9 = b; 30..34: tombstones of k10..k14.
    await produceWithConfluent(
      "latest",
      keys(0, 20).map((k) => [k, `${k}=a`]),
    );
    await produceWithConfluent(
      "latest",
      keys(0, 10).map((k) => [k, `${k}=b`]),
    );
    await produceWithConfluent(
      "latest",
      keys(10, 15).map((k) => [k, null]),
    );
    const compacted: Row[] = [
      ...keys(15, 20).map((k, i): Row => [15 + i, k, `${k}=a`]),
      ...keys(0, 10).map((k, i): Row => [20 + i, k, `${k}=b`]),
      ...keys(10, 15).map((k, i): Row => [30 + i, k, null]),
    ];
    const read = await until(
      () => readWithConfluent("latest"),
      (r) => r.records.length === compacted.length,
    );
    expect(read).toEqual({ low: 0, high: 35, records: compacted });
    // A position inside a removed stretch stays valid: reading resumes at the next record.
    expect((await readWithConfluent("latest", 3)).records).toEqual(compacted);
    expect((await readWithConfluent("latest", 22)).records).toEqual(compacted.slice(7));

    await setConfigs("latest", { ...configs, "delete.retention.ms": "0" });
    const noTombstones = await until(
      () => readWithConfluent("latest"),
      (r) => r.records.length === 15,
    );
    expect(noTombstones).toEqual({ low: 0, high: 35, records: compacted.slice(0, 15) });
  }, 120_000);

  it("removes a superseded record within max.compaction.lag.ms though the dirty ratio is not reached (KafkaJS)", async () => {
    await createTopic(agent.bootstrap, "lagged", 1, [
      { name: "cleanup.policy", value: "compact" },
      { name: "min.cleanable.dirty.ratio", value: "0.99" },
      { name: "max.compaction.lag.ms", value: "4000" },
    ]);
    const producer = kafkaClient(agent.bootstrap).producer();
    await producer.connect();
    const send = (values: [string, string][]) =>
      producer.send({
        topic: "lagged",
        acks: -1,
        compression: 1, // gzip: cleaned batches are re-encoded with the producer's codec
        messages: values.map(([key, value]) => ({ key, value, partition: 0 })),
      });
    await send(keys(0, 50).map((k) => [k, `${k}=a`.repeat(20)]));
    // Once these are cleaned, one more record is far below min.cleanable.dirty.ratio.
    await until(
      async () =>
        (
          await db.pool.query<{ n: number }>(
            `SELECT count(*)::int AS n FROM partition_index i JOIN topics t ON t.id = i.topic_id
             JOIN objects o ON o.key = i.object_key WHERE t.name = 'lagged' AND o.level = 3`,
          )
        ).rows[0]!.n,
      (n) => n > 0,
    );
    await send([["k0", "k0=b"]]);
    const supersededAt = Date.now();
    const values = async () =>
      (await readPartition(agent.bootstrap, "lagged", 0, 0n, 50)).map(
        (m) => `${m.offset}:${m.value!.toString().slice(0, 4)}`,
      );
    // Well before max.compaction.lag.ms, the dirty ratio (a few percent) does not trigger cleaning.
    await new Promise((r) => setTimeout(r, 1500));
    expect((await values())[0]).toBe("0:k0=a");
    const after = await until(values, (v) => v[0] !== "0:k0=a", 15_000);
    const removedAfterMs = Date.now() - supersededAt;
    expect(after[0]).toBe("1:k1=a");
    expect(after.at(-1)).toBe("50:k0=b");
    // The promise: max.compaction.lag.ms plus one job interval (plus this poll's own time).
    expect(removedAfterMs).toBeLessThan(4000 + 300 + 1500);

    // A KafkaJS group consumer reads the compacted log from the start.
    const consumer = kafkaClient(agent.bootstrap).consumer({ groupId: "lagged-reader" });
    await consumer.connect();
    await consumer.subscribe({ topic: "lagged", fromBeginning: true });
    const seen: string[] = [];
    await consumer.run({
      eachMessage: async ({ message }) =>
        void seen.push(`${message.offset}:${message.key!.toString()}`),
    });
    await until(
      async () => seen.length,
      (n) => n >= 50,
    );
    await consumer.disconnect();
    await producer.disconnect();
    expect(seen).toEqual([...keys(1, 50).map((k, i) => `${i + 1}:${k}`), "50:k0"]);
  }, 60_000);

  it("compacts a partition with more distinct keys than the key map holds, in several passes", async () => {
    await createTopic(agent.bootstrap, "many-keys", 1, [
      { name: "cleanup.policy", value: "compact" },
      // Not before both rounds are in; and whatever was left of them by a first pass, cleaned too.
      { name: "min.compaction.lag.ms", value: "4000" },
      { name: "min.cleanable.dirty.ratio", value: "0.01" },
    ]);
    const producer = kafkaClient(agent.bootstrap).producer();
    await producer.connect();
    const KEYS = 60_000;
    const round = async (from: number, to: number, label: string) => {
      for (let i = from; i < to; i += 5000) {
        await producer.send({
          topic: "many-keys",
          acks: -1,
          messages: Array.from({ length: Math.min(5000, to - i) }, (_, j) => ({
            partition: 0,
            key: `key-${i + j}`,
            value: `${label}-${i + j}`,
          })),
        });
      }
    };
    await round(0, KEYS, "first");
    await round(0, KEYS / 2, "second");
    await producer.disconnect();
    // Compacted: the partition starts with the first round's records of the keys the second
    // round did not write again.
    const messages = await until(
      () => readPartition(agent.bootstrap, "many-keys", 0, 0n, KEYS, 60_000),
      (read) => read[0]?.offset === String(KEYS / 2),
      90_000,
    );
    const values = new Map(messages.map((m) => [m.key!.toString(), m.value!.toString()]));
    expect(messages).toHaveLength(KEYS);
    expect(values.size).toBe(KEYS);
    for (let i = 0; i < KEYS; i++)
      expect(values.get(`key-${i}`)).toBe(`${i < KEYS / 2 ? "second" : "first"}-${i}`);
    // Offsets kept: the second round's records are where they were written.
    expect(messages.at(-1)!.offset).toBe(String(KEYS + KEYS / 2 - 1));
  }, 180_000);
});
