import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import type { Admin, Producer } from "kafkajs";
import { ConfigResourceTypes } from "kafkajs";
import { createTestDatabase, type TestDatabase } from "@streambed/db/testing";
import { collectObjects } from "../../src/jobs/object-collector.ts";
import { applyRetention, retentionPolicies } from "../../src/jobs/retention.ts";
import { PostgresJobStore } from "../../src/metadata/postgres/jobs.ts";
import { LocalDirObjectStore } from "../../src/storage/local-dir.ts";
import { createTopic, kafkaClient } from "../support/kafkajs-admin.ts";
import { runClient } from "../support/run-client.ts";
import { startTestAgent, tempBucket, type TestAgent } from "../support/test-agents.ts";

const HOUR = 3_600_000;
let db: TestDatabase;
let bucket: Awaited<ReturnType<typeof tempBucket>>;
let store: LocalDirObjectStore;
let agent: TestAgent;
let admin: Admin;
let producer: Producer;

beforeAll(async () => {
  db = await createTestDatabase(inject("postgresAdminUrl"));
  bucket = await tempBucket();
  store = new LocalDirObjectStore(bucket.dir);
  // Jobs every 200 ms, and unreferenced objects deleted without waiting. Retention goes by whole
  // index rows: no object compaction (no two objects fit a 1-byte L1), so each flush keeps its own.
  agent = await startTestAgent({
    databaseUrl: db.url,
    bucketUrl: bucket.url,
    clusterId: "retention",
    extra: [
      "--retention-check-interval-ms",
      "200",
      "--object-deletion-grace-ms",
      "0",
      "--compaction-l1-target-bytes",
      "1",
    ],
  });
  admin = kafkaClient(agent.bootstrap).admin();
  await admin.connect();
  producer = kafkaClient(agent.bootstrap).producer();
  await producer.connect();
});

afterAll(async () => {
  await producer?.disconnect();
  await admin?.disconnect();
  await agent?.stop();
  await db?.drop();
  await bucket?.remove();
});

/** Sends `count` records to each partition in one acknowledged request (one flush, one object). */
async function send(
  topic: string,
  partitions: number,
  count: number,
  label: string,
  timestampMs: number,
): Promise<void> {
  const messages = [];
  for (let p = 0; p < partitions; p++) {
    for (let i = 0; i < count; i++)
      messages.push({ partition: p, value: `${label}-${p}-${i}`, timestamp: String(timestampMs) });
  }
  await producer.send({ topic, acks: -1, messages });
}

async function lowOffsets(topic: string): Promise<number[]> {
  const offsets = await admin.fetchTopicOffsets(topic);
  return offsets.sort((a, b) => a.partition - b.partition).map((o) => Number(o.low));
}

async function objectKeysOf(topic: string): Promise<string[]> {
  const { rows } = await db.pool.query<{ key: string }>(
    `SELECT DISTINCT i.object_key AS key FROM partition_index i JOIN topics t ON t.id = i.topic_id WHERE t.name = $1`,
    [topic],
  );
  return rows.map((r) => r.key);
}

async function until<T>(
  read: () => Promise<T>,
  done: (value: T) => boolean,
  timeoutMs = 15_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value) || Date.now() > deadline) return value;
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe("retention (jobs role)", () => {
  it("drops records older than retention.ms, consumers start after them, and their objects go", async () => {
    const old = Date.now() - 2 * HOUR;
    await createTopic(agent.bootstrap, "aged", 2, [{ name: "retention.ms", value: String(HOUR) }]);
    // Old records these topics keep: a longer retention, compaction only, and append-time ageing.
    await createTopic(agent.bootstrap, "long-kept", 1, [
      { name: "retention.ms", value: String(3 * HOUR) },
    ]);
    await createTopic(agent.bootstrap, "compacted", 1, [
      { name: "retention.ms", value: String(HOUR) },
      { name: "cleanup.policy", value: "compact" },
    ]);
    await createTopic(agent.bootstrap, "append-time", 1, [
      { name: "retention.ms", value: String(HOUR) },
      { name: "message.timestamp.type", value: "LogAppendTime" },
    ]);
    for (const topic of ["long-kept", "compacted", "append-time"])
      await send(topic, 1, 3, "kept", old);
    await send("aged", 2, 5, "old", old);
    const oldObjects = await objectKeysOf("aged");
    await send("aged", 2, 3, "new", Date.now());

    expect(
      await until(
        () => lowOffsets("aged"),
        (low) => low.every((o) => o === 5),
      ),
    ).toEqual([5, 5]);
    for (const topic of ["long-kept", "compacted", "append-time"])
      expect(await lowOffsets(topic)).toEqual([0]);

    // Two clients read from the beginning: only the new records are there.
    const consumer = kafkaClient(agent.bootstrap).consumer({ groupId: "retention-reader" });
    await consumer.connect();
    await consumer.subscribe({ topic: "aged", fromBeginning: true });
    const seen: string[] = [];
    await consumer.run({
      eachMessage: async ({ message }) => void seen.push(message.value!.toString()),
    });
    await until(
      async () => seen.length,
      (n) => n >= 6,
    );
    await consumer.disconnect();
    expect(seen.sort()).toEqual(["new-0-0", "new-0-1", "new-0-2", "new-1-0", "new-1-1", "new-1-2"]);
    const kcat = await runClient("/usr/bin/kcat", [
      "-C",
      "-b",
      agent.bootstrap,
      "-t",
      "aged",
      "-o",
      "beginning",
      "-e",
      "-q",
      "-f",
      "%p:%o:%s\\n",
    ]);
    expect(kcat.trim().split("\n").sort()).toEqual([
      "0:5:new-0-0",
      "0:6:new-0-1",
      "0:7:new-0-2",
      "1:5:new-1-0",
      "1:6:new-1-1",
      "1:7:new-1-2",
    ]);

    // The objects that held only old records are deleted, from the store and the metadata.
    const gone = await until(
      async () => Promise.all(oldObjects.map(async (key) => (await store.head(key)) === undefined)),
      (flags) => flags.every(Boolean),
    );
    expect(gone).toEqual(oldObjects.map(() => true));
    const { rows } = await db.pool.query("SELECT key FROM objects WHERE key = ANY($1::text[])", [
      oldObjects,
    ]);
    expect(rows).toEqual([]);
    const kept = await objectKeysOf("aged");
    for (const key of kept) expect(await store.head(key)).toBeDefined();

    // A deleted topic's objects go as well.
    await admin.deleteTopics({ topics: ["aged"] });
    const deletedTopic = await until(
      async () => Promise.all(kept.map(async (key) => (await store.head(key)) === undefined)),
      (flags) => flags.every(Boolean),
    );
    expect(deletedTopic).toEqual(kept.map(() => true));
  });

  it("keeps the newest rows that hold retention.bytes, set later with AlterConfigs", async () => {
    await createTopic(agent.bootstrap, "sized", 1);
    for (let i = 0; i < 5; i++) await send("sized", 1, 4, `batch${i}`, Date.now());
    const { rows } = await db.pool.query<{ base_offset: string; byte_length: number }>(
      `SELECT i.base_offset::text, i.byte_length FROM partition_index i JOIN topics t ON t.id = i.topic_id
       WHERE t.name = 'sized' ORDER BY i.base_offset`,
    );
    expect(rows).toHaveLength(5);
    // Just more than the last two rows: the third-newest must stay too (Kafka deletes a segment
    // only while the ones after it still hold retention.bytes).
    const retentionBytes = rows[3]!.byte_length + rows[4]!.byte_length + 1;
    await admin.alterConfigs({
      validateOnly: false,
      resources: [
        {
          type: ConfigResourceTypes.TOPIC,
          name: "sized",
          configEntries: [{ name: "retention.bytes", value: String(retentionBytes) }],
        },
      ],
    });
    expect(
      await until(
        () => lowOffsets("sized"),
        (low) => low[0] !== 0,
      ),
    ).toEqual([Number(rows[2]!.base_offset)]);
    const kcat = await runClient("/usr/bin/kcat", [
      "-C",
      "-b",
      agent.bootstrap,
      "-t",
      "sized",
      "-o",
      "beginning",
      "-e",
      "-q",
      "-f",
      "%s\\n",
    ]);
    expect(kcat.trim().split("\n")[0]).toBe("batch2-0-0");
  });
});

describe("retention and object collection, pass by pass", () => {
  it("applies only the given cluster's policies and is idempotent", async () => {
    const policies = await retentionPolicies(new PostgresJobStore(db.pool), "retention");
    expect(new Set(policies.map((p) => p.clusterId))).toEqual(new Set(["retention"]));
    expect(await retentionPolicies(new PostgresJobStore(db.pool), "no-such-cluster")).toEqual([]);
    // Nothing more to drop: a pass right after the agent's moves nothing and deletes nothing.
    const sized = policies.find((p) => p.retentionBytes >= 0n)!;
    expect(await applyRetention(new PostgresJobStore(db.pool), sized, BigInt(Date.now()))).toEqual({
      moved: [],
      indexRowsDeleted: 0,
    });
  });

  it("deletes an orphaned object only after the grace period, and never a referenced one", async () => {
    // Another cluster than the agent's, so that only these calls touch it. The released object
    // lost some index rows and still has one.
    const [orphan, referenced] = ["manual/flush/orphan", "manual/flush/referenced"];
    for (const key of [orphan, referenced]) {
      await store.put(key, Buffer.from("fifteen bytes!!"));
      await db.pool.query(
        `INSERT INTO objects (key, cluster_id, size_bytes, level, state, created_at)
         VALUES ($1, 'manual', 15, 0, $2, now() - interval '1 hour')`,
        [key, key === orphan ? "orphaned" : "released"],
      );
    }
    await db.pool.query(
      `INSERT INTO partition_index (topic_id, partition, base_offset, last_offset, cluster_id, object_key, byte_offset, byte_length, max_timestamp, record_count)
       VALUES (gen_random_uuid(), 0, 0, 0, 'manual', $1, 0, 15, 0, 1)`,
      [referenced],
    );
    const collect = () =>
      collectObjects(new PostgresJobStore(db.pool), store, {
        clusterId: "manual",
        graceMs: 60_000,
      });

    expect(await collect()).toEqual({ scheduled: 1, deleted: 0, deletedBytes: 0 });
    expect(await store.head(orphan)).toBeDefined();
    // Still within the grace period.
    expect(await collect()).toEqual({ scheduled: 0, deleted: 0, deletedBytes: 0 });
    await db.pool.query(
      "UPDATE objects SET deleted_at = now() - interval '1 second' WHERE key = $1",
      [orphan],
    );
    expect(await collect()).toEqual({ scheduled: 0, deleted: 1, deletedBytes: 15 });
    expect(await store.head(orphan)).toBeUndefined();
    expect((await db.pool.query("SELECT 1 FROM objects WHERE key = $1", [orphan])).rows).toEqual(
      [],
    );
    expect(await store.head(referenced)).toBeDefined();
    // Checked again later, not every pass.
    const { rows } = await db.pool.query<{ state: string; later: boolean }>(
      "SELECT state, deleted_at > now() + interval '30 minutes' AS later FROM objects WHERE key = $1",
      [referenced],
    );
    expect(rows).toEqual([{ state: "released", later: true }]);
  });
});
