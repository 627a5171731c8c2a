/**
 * A compacted topic's cleaning at many keys: one partition holding KEYS distinct keys (default
 * 5 million) plus a second round rewriting a fifth of them, written straight into flush objects
 * (1,000-record batches, 8 MiB objects) and committed through the metadata store, then cleaned by
 * one pass of the job in this process with the default 128 MiB key map. Prints the time, the
 * records removed, and memory above the start (RSS, and the peak of Buffer/typed-array memory
 * sampled every 10 ms).
 *
 *   tsx bench/compacted-topic.bench.ts [keys, default 5000000]
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { buildRecordBatch } from "@streambed/protocol";
import { createPgPool } from "@streambed/db";
import { createTestDatabase, startTestPostgres } from "@streambed/db/testing";
import { compactTopics } from "../src/jobs/topic-compaction.ts";
import { PostgresJobStore } from "../src/metadata/postgres/jobs.ts";
import { PostgresMetadataStore } from "../src/metadata/postgres/postgres-metadata-store.ts";
import { encodeFlushObject } from "../src/produce/flush-object.ts";
import { LocalDirObjectStore } from "../src/storage/local-dir.ts";
import { newObjectKey } from "../src/storage/object-store.ts";

const KEYS = Number(process.argv[2] ?? 5_000_000);
const BATCH = 1000;
const OBJECT_BYTES = 8 * 1024 * 1024;
const MiB = 1024 * 1024;
const CLUSTER = "compacted-bench";

const postgres = await startTestPostgres();
const db = await createTestDatabase(postgres.adminUrl);
const pool = createPgPool(db.url, { max: 4 });
const metadata = new PostgresMetadataStore({ pool });
const bucketDir = await mkdtemp(path.join(tmpdir(), "compacted-bench-bucket-"));
const store = new LocalDirObjectStore(bucketDir);
const topic = await metadata.createTopic(CLUSTER, "keys", 1, { "cleanup.policy": "compact" });

/** Writes records of keys [from, to) with `label` values, in objects of about OBJECT_BYTES. */
async function write(from: number, to: number, label: string): Promise<number> {
  let chunks: Buffer[] = [];
  let records = 0;
  let bytes = 0;
  let written = 0;
  const flush = async () => {
    if (chunks.length === 0) return;
    const object = encodeFlushObject([
      { topicId: topic.id, partition: 0, chunks, recordCount: records, maxTimestamp: 0n },
    ]);
    const key = newObjectKey(CLUSTER, "flush");
    await store.put(key, object.parts);
    await metadata.commitFlushes(CLUSTER, [
      {
        objectKey: key,
        sizeBytes: object.size,
        entries: [
          {
            topicId: topic.id,
            partition: 0,
            byteOffset: 0,
            byteLength: object.sections[0]!.byteLength,
            recordCount: records,
            maxTimestamp: 0n,
          },
        ],
      },
    ]);
    written += object.size;
    chunks = [];
    records = 0;
    bytes = 0;
  };
  for (let i = from; i < to; i += BATCH) {
    const batch = await buildRecordBatch({
      records: Array.from({ length: Math.min(BATCH, to - i) }, (_, j) => ({
        key: Buffer.from(`key-${String(i + j).padStart(8, "0")}`),
        value: Buffer.from(`${label}-${i + j}`),
      })),
      firstTimestamp: 0,
    });
    chunks.push(batch);
    records += Math.min(BATCH, to - i);
    bytes += batch.length;
    if (bytes >= OBJECT_BYTES) await flush();
  }
  await flush();
  return written;
}

const writeStarted = performance.now();
const bytes = (await write(0, KEYS, "first")) + (await write(0, KEYS / 5, "second"));
console.log(
  `wrote ${KEYS + KEYS / 5} records (${KEYS} keys), ${(bytes / MiB).toFixed(0)} MiB, in ${((performance.now() - writeStarted) / 1000).toFixed(1)} s`,
);

global.gc?.();
const baseline = process.memoryUsage();
let peakRss = baseline.rss;
let peakBuffers = baseline.arrayBuffers;
let peakHeap = baseline.heapUsed;
const sampler = setInterval(() => {
  const m = process.memoryUsage();
  peakRss = Math.max(peakRss, m.rss);
  peakBuffers = Math.max(peakBuffers, m.arrayBuffers);
  peakHeap = Math.max(peakHeap, m.heapUsed);
}, 10);
const started = performance.now();
const pass = await compactTopics(new PostgresJobStore(pool), store, {
  clusterId: CLUSTER,
  nowMs: Date.now(),
  mapBytes: 128 * MiB,
  outputObjectBytes: 64 * MiB,
  intervalMs: 60_000,
});
const seconds = (performance.now() - started) / 1000;
clearInterval(sampler);
console.log(
  `cleaned ${pass.partitionsCleaned} partition pass(es): ${pass.recordsRemoved} records removed, read ${(pass.bytesRead / MiB).toFixed(0)} MiB into the key map, wrote ${(pass.bytesWritten / MiB).toFixed(0)} MiB, in ${seconds.toFixed(1)} s (${(bytes / MiB / seconds).toFixed(1)} MiB/s of log)`,
);
console.log(
  `memory above start: RSS +${((peakRss - baseline.rss) / MiB).toFixed(0)} MiB, buffers and typed arrays +${((peakBuffers - baseline.arrayBuffers) / MiB).toFixed(0)} MiB (key map: 128 MiB), JS heap +${((peakHeap - baseline.heapUsed) / MiB).toFixed(0)} MiB`,
);

await metadata.close();
await pool.end();
await db.drop();
await postgres.teardown();
await rm(bucketDir, { recursive: true, force: true });
