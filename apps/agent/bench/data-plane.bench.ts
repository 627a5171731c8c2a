/**
 * Throughput of the data-plane modules without the Kafka wire: ProduceBuffer -> local-directory
 * store + Postgres commit, then FetchReader reading it all back (warm and cold block cache).
 * Postgres is the test instance (fsync off), so commit latency is on the low side.
 *
 *   npx tsx apps/agent/bench/data-plane.bench.ts [partitions] [MiB]
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { buildRecordBatch } from "@streambed/protocol";
import { createTestDatabase, startTestPostgres } from "@streambed/db/testing";
import { BlockCache } from "../src/fetch/block-cache.ts";
import { FetchReader } from "../src/fetch/fetch-reader.ts";
import { PartitionHeadCache } from "../src/fetch/partition-heads.ts";
import { PostgresMetadataStore } from "../src/metadata/postgres/postgres-metadata-store.ts";
import { ProduceBuffer } from "../src/produce/produce-buffer.ts";
import { validateRecordBatches } from "../src/produce/validate-records.ts";
import { LocalDirObjectStore } from "../src/storage/local-dir.ts";

const partitions = Number(process.argv[2] ?? 100);
const totalMiB = Number(process.argv[3] ?? 512);
const RECORDS_PER_BATCH = 16;
const RECORD_BYTES = 1024;
/** Like a producer's request: one batch for each of 16 partitions. */
const ENTRIES_PER_APPEND = 16;
const PRODUCERS = 8;
const IN_FLIGHT_PER_PRODUCER = 8;
const cluster = "bench";

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))]!;
}

const postgres = await startTestPostgres();
const db = await createTestDatabase(postgres.adminUrl);
const root = await mkdtemp(path.join(tmpdir(), "streambed-data-plane-bench-"));
const store = new LocalDirObjectStore(root);
const metadata = new PostgresMetadataStore({ pool: db.pool });
try {
  const topic = await metadata.createTopic(cluster, "bench", partitions, {});
  const batch = await buildRecordBatch({
    records: Array.from({ length: RECORDS_PER_BATCH }, (_, i) => ({
      value: Buffer.alloc(RECORD_BYTES, i),
    })),
  });
  const { recordCount, maxTimestamp } = validateRecordBatches(batch, 1 << 20);
  const heads = new PartitionHeadCache(metadata);
  await heads.start();
  const commits = { count: 0, seconds: 0 };
  const buffer = new ProduceBuffer({
    store,
    metadata,
    batchTimeoutMs: 20,
    metrics: {
      flushBytes: { observe: () => undefined },
      flushSeconds: { observe: () => undefined },
      commitSeconds: { observe: (s) => ((commits.count += 1), (commits.seconds += s)) },
      stageSeconds: { observe: () => undefined },
      flushFailures: { inc: () => undefined },
    },
    onCommitted: (_, h) => heads.apply(h),
  });

  const appendsWanted = Math.ceil((totalMiB * 1024 * 1024) / batch.length / ENTRIES_PER_APPEND);
  let issued = 0;
  const latencies: number[] = [];
  const started = performance.now();
  await Promise.all(
    Array.from({ length: PRODUCERS * IN_FLIGHT_PER_PRODUCER }, async () => {
      while (issued < appendsWanted) {
        const first = (issued++ * ENTRIES_PER_APPEND) % partitions;
        const t0 = performance.now();
        await buffer.append(
          cluster,
          Array.from({ length: ENTRIES_PER_APPEND }, (_, i) => ({
            topicId: topic.id,
            topicName: topic.name,
            partition: (first + i) % partitions,
            batches: batch,
            recordCount,
            maxTimestamp,
          })),
        );
        latencies.push(performance.now() - t0);
      }
    }),
  );
  const produceSeconds = (performance.now() - started) / 1000;
  const { rows } = await db.pool.query<{ n: number }>("SELECT count(*)::int AS n FROM objects");
  const objects = rows[0]!.n;
  await buffer.flushAndClose();
  latencies.sort((a, b) => a - b);
  const producedMiB = (issued * ENTRIES_PER_APPEND * batch.length) / 1024 / 1024;
  console.log(
    `produce, ${partitions} partitions: ${(producedMiB / produceSeconds).toFixed(1)} MiB/s ` +
      `(${producedMiB.toFixed(0)} MiB in ${produceSeconds.toFixed(2)} s), ${(objects / produceSeconds).toFixed(1)} objects/s, ` +
      `append latency p50 ${percentile(latencies, 50).toFixed(1)} ms p99 ${percentile(latencies, 99).toFixed(1)} ms; ` +
      `${commits.count} commits, ${((commits.seconds / commits.count) * 1000).toFixed(1)} ms each`,
  );

  // Latency at a fixed moderate rate: 5000 appends/s of one 1 KiB record each, spread over the partitions.
  const single = await buildRecordBatch({ records: [{ value: Buffer.alloc(RECORD_BYTES) }] });
  const one = validateRecordBatches(single, 1 << 20);
  const paced = new ProduceBuffer({ store, metadata, batchTimeoutMs: 20 });
  const pacedLatencies: number[] = [];
  const pacedStart = performance.now();
  const pacedAppends: Promise<void>[] = [];
  for (let i = 0; i < 5000 * 3; i++) {
    const wait = pacedStart + i / 5 - performance.now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    const t0 = performance.now();
    const entry = {
      topicId: topic.id,
      topicName: topic.name,
      partition: i % partitions,
      batches: single,
      ...one,
    };
    pacedAppends.push(
      paced.append(cluster, [entry]).then(() => void pacedLatencies.push(performance.now() - t0)),
    );
  }
  await Promise.all(pacedAppends);
  await paced.flushAndClose();
  pacedLatencies.sort((a, b) => a - b);
  console.log(
    `append latency at 5000 records/s, ${partitions} partitions, batch timeout 20 ms: ` +
      `p50 ${percentile(pacedLatencies, 50).toFixed(1)} ms p99 ${percentile(pacedLatencies, 99).toFixed(1)} ms`,
  );

  // The same cache twice: first read cold (every block from the store), then warm.
  const blocks = new BlockCache(store, { maxBytes: 1 << 30 });
  for (const label of ["cold", "warm"] as const) {
    const reader = new FetchReader({ metadata, heads, blocks });
    const offsets = new Array<bigint>(partitions).fill(0n);
    let bytes = 0;
    const t0 = performance.now();
    for (;;) {
      const results = await reader.read({
        clusterId: cluster,
        partitions: offsets.map((fetchOffset, partition) => ({
          topicId: topic.id,
          partition,
          fetchOffset,
          partitionMaxBytes: 1 << 20,
        })),
        maxBytes: 50 << 20,
        minBytes: 1,
        maxWaitMs: 0,
      });
      let got = 0;
      for (const r of results) {
        if (r.records.length === 0) continue;
        got += r.records.length;
        offsets[r.partition] =
          r.highWatermark <= offsets[r.partition]! ? r.highWatermark : lastOffsetAfter(r.records);
      }
      if (got === 0) break;
      bytes += got;
    }
    const seconds = (performance.now() - t0) / 1000;
    console.log(
      `fetch (${label} cache): ${(bytes / 1024 / 1024 / seconds).toFixed(1)} MiB/s (${(bytes / 1024 / 1024).toFixed(0)} MiB in ${seconds.toFixed(2)} s)`,
    );
  }
  await heads.close();
} finally {
  await metadata.close();
  await db.drop();
  await postgres.teardown();
  await rm(root, { recursive: true, force: true });
}

/** Offset after the last batch of a Fetch records blob. */
function lastOffsetAfter(records: Buffer): bigint {
  let at = 0;
  let next = 0n;
  while (at < records.length) {
    next = records.readBigInt64BE(at) + BigInt(records.readInt32BE(at + 23) + 1);
    at += 12 + records.readInt32BE(at + 8);
  }
  return next;
}
