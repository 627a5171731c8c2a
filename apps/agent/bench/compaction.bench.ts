/**
 * Object compaction: read amplification before and after, and the cost of the job.
 *
 * One agent (no jobs role) on the local-directory store takes `MiB` of 16 KiB records over 8
 * partitions in flushes of at most 1 MiB (--batch-max-bytes), as a busy cluster's L0 objects
 * are (250 ms of traffic each, every partition in every object). Then:
 *   1. a fresh agent (cold block cache) reads every partition's whole history: objects touched
 *      (distinct objects of the index rows read) and GET requests, scaled per 100 MiB;
 *   2. one compaction pass (L0 into L1) in this process: MiB/s and memory (RSS and the peak of
 *      Buffer memory, sampled every 10 ms, above what it was before);
 *   3. the same read as 1 with another fresh agent.
 *
 *   tsx bench/compaction.bench.ts [MiB of history, default 100]
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { pino } from "pino";
import { createTestDatabase, startTestPostgres } from "@streambed/db/testing";
import { startAgent, type RunningAgent } from "../src/agent.ts";
import { parseConfig } from "../src/config.ts";
import { compactObjects } from "../src/jobs/object-compaction.ts";
import { PostgresJobStore } from "../src/metadata/postgres/jobs.ts";
import { LocalDirObjectStore } from "../src/storage/local-dir.ts";
import { createTopic, kafkaClient } from "../test/support/kafkajs-admin.ts";
import { readPartition } from "../test/support/kafkajs-partition-reader.ts";

const historyMiB = Number(process.argv[2] ?? 100);
const PARTITIONS = 8;
const RECORD_BYTES = 16 * 1024;
const MiB = 1024 * 1024;
const CLUSTER = "compaction-bench";

const postgres = await startTestPostgres();
const db = await createTestDatabase(postgres.adminUrl);
const bucketDir = await mkdtemp(path.join(tmpdir(), "compaction-bench-bucket-"));
const logger = pino({ level: "warn" });

async function agent(extra: string[]): Promise<RunningAgent & { bootstrap: string }> {
  const parsed = parseConfig(
    [
      "--database-url",
      db.url,
      "--bucket-url",
      `file://${bucketDir}`,
      "--cluster-id",
      CLUSTER,
      "--kafka-port",
      "0",
      "--http-port",
      "0",
      "--roles",
      "produce,fetch,groups",
      ...extra,
    ],
    {},
  );
  if (parsed.help) throw new Error("unreachable");
  const running = await startAgent(parsed.config, logger);
  return { ...running, bootstrap: `127.0.0.1:${running.kafkaPort}` };
}

async function gets(a: RunningAgent): Promise<number> {
  const { values } = await a.metrics.objectRequests.get();
  return values.find((v) => v.labels.op === "get")?.value ?? 0;
}

async function objectsReferenced(): Promise<{ objects: number; rows: number }> {
  const { rows } = await db.pool.query<{ objects: number; rows: number }>(
    "SELECT count(DISTINCT object_key)::int AS objects, count(*)::int AS rows FROM partition_index WHERE cluster_id = $1",
    [CLUSTER],
  );
  return rows[0]!;
}

/** Reads the partitions from offset 0 on a fresh agent; objects touched, GETs, bytes, seconds. */
async function readHistory(partitions: number[]) {
  const reader = await agent([]);
  try {
    const before = await gets(reader);
    const started = performance.now();
    let objects = 0;
    let bytes = 0;
    for (const p of partitions) {
      bytes += counts[p]! * RECORD_BYTES;
      const read = await readPartition(reader.bootstrap, "history", p, 0n, counts[p]!, 120_000);
      if (read.length !== counts[p]) throw new Error(`partition ${p}: read ${read.length}`);
      const { rows } = await db.pool.query<{ n: number }>(
        `SELECT count(DISTINCT i.object_key)::int AS n FROM partition_index i JOIN topics t ON t.id = i.topic_id
         WHERE t.cluster_id = $1 AND t.name = 'history' AND i.partition = $2`,
        [CLUSTER, p],
      );
      objects += rows[0]!.n;
    }
    return {
      objects,
      bytes,
      gets: (await gets(reader)) - before,
      seconds: (performance.now() - started) / 1000,
    };
  } finally {
    await reader.stop();
  }
}

const writer = await agent(["--batch-max-bytes", String(MiB), "--batch-timeout-ms", "250"]);
await createTopic(writer.bootstrap, "history", PARTITIONS);
const producer = kafkaClient(writer.bootstrap).producer();
await producer.connect();
const value = Buffer.alloc(RECORD_BYTES, "v");
const records = Math.ceil((historyMiB * MiB) / RECORD_BYTES);
const counts = Array.from({ length: PARTITIONS }, () => 0);
const sends: Promise<unknown>[] = [];
for (let i = 0; i < records; i += 16) {
  const messages = Array.from({ length: Math.min(16, records - i) }, (_, j) => {
    const partition = (i + j) % PARTITIONS;
    counts[partition]!++;
    return { partition, value };
  });
  sends.push(producer.send({ topic: "history", acks: -1, messages }));
  if (sends.length >= 8) await sends.shift();
}
await Promise.all(sends);
await producer.disconnect();
await writer.stop();

const historyBytes = records * RECORD_BYTES;
const per100 = (n: number, bytes: number) => ((n * 100 * MiB) / bytes).toFixed(1);
const everyPartition = Array.from({ length: PARTITIONS }, (_, p) => p);
const l0 = await objectsReferenced();
const before = { all: await readHistory(everyPartition), one: await readHistory([0]) };

const store = new LocalDirObjectStore(bucketDir);
const baseline = process.memoryUsage();
let peakRss = baseline.rss;
let peakBuffers = baseline.arrayBuffers;
const sampler = setInterval(() => {
  const m = process.memoryUsage();
  peakRss = Math.max(peakRss, m.rss);
  peakBuffers = Math.max(peakBuffers, m.arrayBuffers);
}, 10);
const compactionStarted = performance.now();
const pass = await compactObjects(new PostgresJobStore(db.pool), store, {
  clusterId: CLUSTER,
  levels: { l1TargetBytes: 256 * MiB, l2TargetBytes: 1024 * MiB, l2FanIn: 32 },
});
const compactionSeconds = (performance.now() - compactionStarted) / 1000;
clearInterval(sampler);
const l1 = await objectsReferenced();
const after = { all: await readHistory(everyPartition), one: await readHistory([0]) };

console.log(
  `history: ${(historyBytes / MiB).toFixed(0)} MiB, ${PARTITIONS} partitions, ${RECORD_BYTES / 1024} KiB records`,
);
console.log(
  `objects referenced: ${l0.objects} L0 (${l0.rows} index rows) -> ${l1.objects} after compaction (${l1.rows} index rows)`,
);
for (const scope of ["all", "one"] as const) {
  const what = scope === "all" ? `all ${PARTITIONS} partitions` : "partition 0 alone";
  for (const [label, r] of [
    ["before", before[scope]],
    ["after", after[scope]],
  ] as const) {
    console.log(
      `read ${what} ${label} compaction: ${r.objects} objects touched, ${r.gets} GETs; per 100 MiB read: ${per100(r.objects, r.bytes)} objects, ${per100(r.gets, r.bytes)} GETs; ${(r.bytes / MiB / r.seconds).toFixed(1)} MiB/s`,
    );
  }
  console.log(
    `  ${(before[scope].objects / after[scope].objects).toFixed(1)}x fewer objects touched, ${(before[scope].gets / after[scope].gets).toFixed(1)}x fewer GETs`,
  );
}
console.log(
  `compaction: ${pass.objectsMerged} objects into ${pass.objectsWritten}, ${(pass.bytesWritten / MiB).toFixed(1)} MiB in ${compactionSeconds.toFixed(2)} s = ${(pass.bytesWritten / MiB / compactionSeconds).toFixed(1)} MiB/s; memory above start: RSS +${((peakRss - baseline.rss) / MiB).toFixed(0)} MiB, buffers +${((peakBuffers - baseline.arrayBuffers) / MiB).toFixed(0)} MiB`,
);

await store.close();
await db.drop();
await postgres.teardown();
await rm(bucketDir, { recursive: true, force: true });
