import {
  type CompactionCandidate,
  CompactionConflictError,
  type JobStore,
  type StoredIndexRow,
} from "../metadata/job-store.ts";
import { encodeFlushObject } from "../produce/flush-object.ts";
import { newObjectKey, type ObjectStore } from "../storage/object-store.ts";

/** How objects grow: L0 (flushes) merge into L1 objects, L1 objects into L2 objects. */
export interface CompactionLevels {
  /** Size an L1 object is made up to. */
  l1TargetBytes: number;
  /** Size an L2 object is made up to. */
  l2TargetBytes: number;
  /** L1 objects merge into an L2 once this many are waiting (or they reach l2TargetBytes). */
  l2FanIn: number;
}

export interface CompactionPass {
  /** Input objects whose rows were moved into new objects (they are deleted after the grace period). */
  objectsMerged: number;
  /** Lone L0 objects moved to L1 without a rewrite. */
  objectsPromoted: number;
  objectsWritten: number;
  bytesWritten: number;
  /** Merges abandoned because retention, DeleteRecords or a topic deletion changed the inputs. */
  conflicts: number;
}

/**
 * Contiguous index rows of a partition become one row of the output while it stays below this:
 * a fetch walks the batch headers of a row from its start to the offset it wants, so a row must
 * stay small enough for that walk (and the read-ahead of a whole row) to be cheap.
 */
export const MAX_MERGED_ROW_BYTES = 1024 * 1024;

/** Objects looked at per level and pass. */
const CANDIDATES = 10_000;

type CompactionJobs = Pick<
  JobStore,
  | "compactionCandidates"
  | "indexRowsOfObjects"
  | "promoteObject"
  | "recordCompactionOutput"
  | "swapCompactedRows"
>;

/**
 * Object compaction: every pass merges all L0 objects (each chunk of up to l1TargetBytes into one
 * L1 object), so an L0 object lives about one job interval; and L1 objects into L2 objects once
 * l2FanIn of them (or l2TargetBytes) are waiting. Objects of different clusters never mix.
 *
 * A merge copies each index row's batches as stored into the output (partitions in
 * (topicId, partition) order, rows by offset), writes it, then swaps the rows in one
 * transaction. It keeps no state between passes: a crash before the swap leaves the inputs in
 * use and the output an orphan (deleted by object collection); after it, the inputs are
 * released and deleted after the grace period, once fetches that looked up their rows are done.
 */
export async function compactObjects(
  jobs: CompactionJobs,
  store: ObjectStore,
  options: { clusterId: string | null; levels: CompactionLevels },
): Promise<CompactionPass> {
  const pass: CompactionPass = {
    objectsMerged: 0,
    objectsPromoted: 0,
    objectsWritten: 0,
    bytesWritten: 0,
    conflicts: 0,
  };
  const { levels } = options;
  for (const level of [0, 1] as const) {
    const candidates = await jobs.compactionCandidates(options.clusterId, level, CANDIDATES);
    const targetBytes = level === 0 ? levels.l1TargetBytes : levels.l2TargetBytes;
    const fanIn = level === 0 ? Infinity : levels.l2FanIn;
    for (const cluster of byCluster(candidates)) {
      const chunks = chunksOf(cluster, targetBytes, fanIn);
      for (const [n, chunk] of chunks.entries()) {
        // L0 always leaves (a lone object by promotion: a flush has one row per partition
        // already, so a rewrite would gain nothing); L1 waits until a chunk is full (more
        // objects follow it, or fan-in).
        const full = n < chunks.length - 1 || chunk.length >= fanIn;
        if (level === 0 && chunk.length === 1) {
          await jobs.promoteObject(chunk[0]!.key, level + 1);
          pass.objectsPromoted++;
        } else if (chunk.length >= 2 && (level === 0 || full)) {
          await mergeObjects(jobs, store, chunk, level + 1, pass);
        }
      }
    }
  }
  return pass;
}

function byCluster(candidates: readonly CompactionCandidate[]): CompactionCandidate[][] {
  const clusters = new Map<string, CompactionCandidate[]>();
  for (const c of candidates) {
    const list = clusters.get(c.clusterId) ?? [];
    list.push(c);
    clusters.set(c.clusterId, list);
  }
  return [...clusters.values()];
}

/** Consecutive runs of objects adding up to at most targetBytes (one object at least) and fanIn. */
export function chunksOf<T extends { sizeBytes: number }>(
  objects: readonly T[],
  targetBytes: number,
  fanIn: number,
): T[][] {
  const chunks: T[][] = [];
  let chunk: T[] = [];
  let bytes = 0;
  for (const o of objects) {
    if (chunk.length > 0 && (bytes + o.sizeBytes > targetBytes || chunk.length >= fanIn)) {
      chunks.push(chunk);
      chunk = [];
      bytes = 0;
    }
    chunk.push(o);
    bytes += o.sizeBytes;
  }
  if (chunk.length > 0) chunks.push(chunk);
  return chunks;
}

/** The output rows: contiguous input rows of a partition joined up to MAX_MERGED_ROW_BYTES. */
export function mergeRows(rows: readonly StoredIndexRow[]): StoredIndexRow[][] {
  const merged: StoredIndexRow[][] = [];
  let run: StoredIndexRow[] = [];
  let bytes = 0;
  for (const row of rows) {
    const last = run.at(-1);
    const continues =
      last !== undefined &&
      last.topicId === row.topicId &&
      last.partition === row.partition &&
      last.lastOffset + 1n === row.baseOffset &&
      bytes + row.byteLength <= MAX_MERGED_ROW_BYTES;
    if (!continues && run.length > 0) {
      merged.push(run);
      run = [];
      bytes = 0;
    }
    run.push(row);
    bytes += row.byteLength;
  }
  if (run.length > 0) merged.push(run);
  return merged;
}

async function mergeObjects(
  jobs: CompactionJobs,
  store: ObjectStore,
  inputs: readonly CompactionCandidate[],
  level: number,
  pass: CompactionPass,
): Promise<void> {
  const clusterId = inputs[0]!.clusterId;
  const inputKeys = inputs.map((o) => o.key);
  const replaced = await jobs.indexRowsOfObjects(inputKeys);
  if (replaced.length === 0) return;
  // One GET per input: together they are at most the output's size.
  const bodies = new Map<string, Buffer>();
  for (const key of new Set(replaced.map((r) => r.objectKey)))
    bodies.set(key, await store.get(key));
  const runs = mergeRows(replaced);
  const object = encodeFlushObject(
    runs.map((run) => ({
      topicId: run[0]!.topicId,
      partition: run[0]!.partition,
      chunks: run.map((r) =>
        bodies.get(r.objectKey)!.subarray(r.byteOffset, r.byteOffset + r.byteLength),
      ),
      recordCount: run.reduce((n, r) => n + r.recordCount, 0),
      maxTimestamp: run.reduce((max, r) => (r.maxTimestamp > max ? r.maxTimestamp : max), -1n),
    })),
  );
  const outputKey = newObjectKey(clusterId, "compacted");
  const written: StoredIndexRow[] = runs.map((run, i) => {
    const section = object.sections[i]!;
    return {
      topicId: section.topicId,
      partition: section.partition,
      baseOffset: run[0]!.baseOffset,
      lastOffset: run.at(-1)!.lastOffset,
      objectKey: outputKey,
      byteOffset: section.byteOffset,
      byteLength: section.byteLength,
      maxTimestamp: section.maxTimestamp,
      recordCount: section.recordCount,
      // Retention ages a row by its newest records (a segment goes when all of it is old).
      createdAt: new Date(Math.max(...run.map((r) => r.createdAt.getTime()))),
    };
  });
  await jobs.recordCompactionOutput(clusterId, outputKey, object.size, level);
  await store.put(outputKey, object.parts);
  try {
    await jobs.swapCompactedRows({
      clusterId,
      outputKeys: [outputKey],
      replaced,
      written,
      inputKeys,
    });
  } catch (error) {
    if (!(error instanceof CompactionConflictError)) throw error;
    pass.conflicts++;
    return;
  }
  pass.objectsMerged += inputs.length;
  pass.objectsWritten++;
  pass.bytesWritten += object.size;
}
