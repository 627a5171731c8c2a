import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import type { Producer } from "kafkajs";
import { createTestDatabase, type TestDatabase } from "@streambed/db/testing";
import { openObjectStore } from "../../src/storage/open-object-store.ts";
import type { ObjectStore } from "../../src/storage/object-store.ts";
import { startS3Server, type S3TestServer } from "../storage/s3-server.ts";
import { createTopic, kafkaClient } from "../support/kafkajs-admin.ts";
import { readPartition } from "../support/kafkajs-partition-reader.ts";
import { objectLevels, until } from "../support/object-levels.ts";
import {
  startChildAgent,
  startTestAgent,
  tempBucket,
  type ChildAgent,
  type TestAgent,
} from "../support/test-agents.ts";

const PARTITIONS = 4;
let db: TestDatabase;
let s3: S3TestServer;
let bucket: Awaited<ReturnType<typeof tempBucket>>;

beforeAll(async () => {
  db = await createTestDatabase(inject("postgresAdminUrl"));
  s3 = await startS3Server();
  bucket = await tempBucket();
  process.env.AWS_ACCESS_KEY_ID = s3.credentials.accessKeyId;
  process.env.AWS_SECRET_ACCESS_KEY = s3.credentials.secretAccessKey;
});

afterAll(async () => {
  await s3?.stop();
  await bucket?.remove();
  await db?.drop();
});

/** Small levels so that a few seconds of traffic go through L1 into L2. */
const compactionFlags = [
  "--compaction-l1-target-bytes",
  String(32 * 1024),
  "--compaction-l2-target-bytes",
  String(256 * 1024),
  "--compaction-l2-fan-in",
  "4",
];

async function valuesOf(bootstrap: string, topic: string, partition: number, count: number) {
  const messages = await readPartition(bootstrap, topic, partition, 0n, count);
  return messages.map((m) => `${m.offset}=${m.value!.toString()}`);
}

/**
 * valuesOf, retried while the killed runner is still listed as a broker (it drops out of
 * Metadata once its heartbeats stop).
 */
async function valuesOnceReachable(
  bootstrap: string,
  topic: string,
  partition: number,
  count: number,
) {
  const read = await until(
    () => valuesOf(bootstrap, topic, partition, count).catch(() => undefined),
    (values) => values !== undefined,
  );
  return read ?? [];
}

const expected = (values: readonly string[]) => values.map((v, offset) => `${offset}=${v}`);

async function objectExists(store: ObjectStore, key: string): Promise<boolean> {
  return (await store.head(key)) !== undefined;
}

describe("object compaction", () => {
  it.each(["local-dir", "s3"])(
    "merges objects under concurrent produce and fetch on three agents; every record read back once, in order (%s store)",
    async (kind) => {
      const clusterId = `merge-${kind}`;
      const bucketUrl = kind === "s3" ? s3.bucketUrl(clusterId) : bucket.url;
      const agents: TestAgent[] = await Promise.all(
        ["a", "b", "c"].map((zone) =>
          startTestAgent({
            databaseUrl: db.url,
            bucketUrl,
            clusterId,
            // Every agent has the jobs role: the job lock lets one run at a time.
            extra: [
              "--zone",
              zone,
              "--batch-timeout-ms",
              "10",
              "--retention-check-interval-ms",
              "300",
              "--object-deletion-grace-ms",
              "2000",
              ...compactionFlags,
            ],
          }),
        ),
      );
      const store = openObjectStore(bucketUrl);
      const producers: Producer[] = [];
      try {
        await createTopic(agents[0]!.bootstrap, "merged", PARTITIONS);
        const acked: string[][] = Array.from({ length: PARTITIONS }, () => []);
        const replaced = new Set<string>();
        let producing = true;
        // One sender per partition, each through another agent, one acknowledged send at a time
        // and no retries: the log of a partition must be exactly its acknowledged values in order.
        const senders = Array.from({ length: PARTITIONS }, async (_, p) => {
          const producer = kafkaClient(agents[p % 3]!.bootstrap).producer({
            retry: { retries: 0 },
          });
          producers.push(producer);
          await producer.connect();
          for (let i = 0; producing; i++) {
            const values = Array.from({ length: 5 }, (_, j) => `${p}-${i}-${j}-${"x".repeat(200)}`);
            await producer.send({
              topic: "merged",
              acks: -1,
              messages: values.map((value) => ({ partition: p, value })),
            });
            acked[p]!.push(...values);
          }
        });
        // Readers on every agent read each partition from the start again and again while
        // objects are merged and the replaced ones deleted.
        let reads = 0;
        const readers = (async () => {
          while (producing) {
            for (let p = 0; p < PARTITIONS; p++) {
              const known = [...acked[p]!];
              const { rows } = await db.pool.query<{ key: string }>(
                "SELECT key FROM objects WHERE cluster_id = $1 AND state IN ('released', 'deleting')",
                [clusterId],
              );
              for (const r of rows) replaced.add(r.key);
              const read = await valuesOf(agents[reads % 3]!.bootstrap, "merged", p, known.length);
              expect(read).toEqual(expected(known));
              reads++;
            }
          }
        })();
        await new Promise((r) => setTimeout(r, 8_000));
        producing = false;
        await Promise.all([...senders, readers]);
        expect(reads).toBeGreaterThan(8);

        // Compaction catches up: no flush object is left in use, L1 objects went on into L2.
        const levels = await until(
          () => objectLevels(db, clusterId),
          (l) => !l.referenced[0] && (l.referenced[2] ?? 0) > 0 && l.unreferenced.length === 0,
          // Passes run every 100 ms, but on a busy two-core machine one can take seconds.
          90_000,
        );
        expect(levels.referenced[0]).toBeUndefined();
        expect(levels.referenced[2]).toBeGreaterThan(0);
        expect(levels.unreferenced).toEqual([]);
        // The replaced objects are gone from the store, after the grace period.
        expect(replaced.size).toBeGreaterThan(0);
        for (const key of replaced) expect(await objectExists(store, key)).toBe(false);

        for (let p = 0; p < PARTITIONS; p++)
          expect(await valuesOf(agents[p % 3]!.bootstrap, "merged", p, acked[p]!.length)).toEqual(
            expected(acked[p]!),
          );
        // Merged rows: far fewer index rows than flushes.
        const { rows } = await db.pool.query<{ n: number }>(
          "SELECT count(*)::int AS n FROM partition_index WHERE cluster_id = $1",
          [clusterId],
        );
        expect(rows[0]!.n).toBeLessThan(acked.reduce((n, a) => n + a.length, 0) / 5 / 4);
      } finally {
        await Promise.all(producers.map((p) => p.disconnect()));
        await Promise.all(agents.map((a) => a.stop()));
        await store.close();
      }
    },
    180_000,
  );

  it("leaves readable data when the job runner is killed mid-compaction, and resumes", async () => {
    const clusterId = "merge-crash";
    const bucketUrl = s3.bucketUrl(clusterId);
    // Serves clients, no jobs: what it reads must not depend on the job runner.
    const server = await startTestAgent({
      databaseUrl: db.url,
      bucketUrl,
      clusterId,
      extra: ["--roles", "produce,fetch,groups", "--batch-timeout-ms", "5"],
    });
    const store = openObjectStore(bucketUrl);
    let runner: ChildAgent | undefined;
    try {
      await createTopic(server.bootstrap, "crash", 2);
      const producer = kafkaClient(server.bootstrap).producer();
      await producer.connect();
      const acked: string[][] = [[], []];
      for (let i = 0; i < 300; i++) {
        const p = i % 2;
        const values = Array.from({ length: 4 }, (_, j) => `${i}-${j}-${"y".repeat(1000)}`);
        await producer.send({
          topic: "crash",
          acks: -1,
          messages: values.map((value) => ({ partition: p, value })),
        });
        acked[p]!.push(...values);
      }
      await producer.disconnect();
      expect((await objectLevels(db, clusterId)).referenced[0]).toBe(300);

      const startRunner = (stallPut: boolean) =>
        startChildAgent({
          databaseUrl: db.url,
          bucketUrl,
          clusterId,
          extra: [
            "--roles",
            "jobs",
            "--retention-check-interval-ms",
            "100",
            "--object-deletion-grace-ms",
            "500",
            "--compaction-l1-target-bytes",
            String(64 << 20),
            // The output's PUT takes seconds: a window between recording it and swapping it in.
            ...(stallPut ? ["--store-faults", "seed=1,latency_ms=4000,ops=put"] : []),
          ],
        });
      runner = await startRunner(true);
      // Killed once its merge output is recorded but not yet swapped in.
      const orphan = await until(
        async () =>
          (
            await db.pool.query<{ key: string }>(
              "SELECT key FROM objects WHERE cluster_id = $1 AND level = 1 AND state = 'orphaned'",
              [clusterId],
            )
          ).rows[0]?.key,
        (key) => key !== undefined,
        30_000,
      );
      await runner.kill("SIGKILL");
      expect(orphan).toBeDefined();
      const afterKill = await objectLevels(db, clusterId);
      expect(afterKill.referenced[0]).toBe(300);
      for (const p of [0, 1])
        expect(await valuesOnceReachable(server.bootstrap, "crash", p, acked[p]!.length)).toEqual(
          expected(acked[p]!),
        );

      runner = await startRunner(false);
      const levels = await until(
        () => objectLevels(db, clusterId),
        (l) => !l.referenced[0] && l.unreferenced.length === 0,
      );
      expect(levels).toEqual({ referenced: { 1: 1 }, unreferenced: [] });
      expect(await objectExists(store, orphan!)).toBe(false);
      for (const p of [0, 1])
        expect(await valuesOf(server.bootstrap, "crash", p, acked[p]!.length)).toEqual(
          expected(acked[p]!),
        );
    } finally {
      await runner?.kill("SIGKILL");
      await server.stop();
      await store.close();
    }
  }, 120_000);

  it("moves a lone flush object out of L0 as it is, without a rewrite", async () => {
    const clusterId = "merge-lone";
    const agent = await startTestAgent({
      databaseUrl: db.url,
      bucketUrl: bucket.url,
      clusterId,
      extra: ["--retention-check-interval-ms", "100", ...compactionFlags],
    });
    try {
      await createTopic(agent.bootstrap, "lone", 1);
      const producer = kafkaClient(agent.bootstrap).producer();
      await producer.connect();
      await producer.send({ topic: "lone", acks: -1, messages: [{ value: "only" }] });
      await producer.disconnect();
      const levels = await until(
        () => objectLevels(db, clusterId),
        (l) => !l.referenced[0],
      );
      expect(levels).toEqual({ referenced: { 1: 1 }, unreferenced: [] });
      const { rows } = await db.pool.query<{ n: number }>(
        "SELECT count(*)::int AS n FROM objects WHERE cluster_id = $1",
        [clusterId],
      );
      expect(rows[0]!.n).toBe(1);
      expect(await valuesOf(agent.bootstrap, "lone", 0, 1)).toEqual(["0=only"]);
    } finally {
      await agent.stop();
    }
  }, 60_000);
});
