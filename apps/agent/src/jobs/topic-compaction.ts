import {
  buildRecordBatch,
  decompressRecords,
  iterateRecords,
  splitBatches,
  type RecordBatchView,
  type RecordInput,
} from "@streambed/protocol";
import {
  type CompactedTopic,
  CompactionConflictError,
  type JobStore,
  type LeveledIndexRow,
  type StoredIndexRow,
} from "../metadata/job-store.ts";
import type { TopicConfigs } from "../metadata/metadata-store.ts";
import { encodeFlushObject } from "../produce/flush-object.ts";
import { DEFAULT_CLUSTER_SETTINGS } from "../server/cluster-settings.ts";
import { newObjectKey, type ObjectStore } from "../storage/object-store.ts";
import { defaultTopicConfig } from "../topics/topic-configs.ts";
import { KeyOffsetMap } from "./key-offset-map.ts";
import { MAX_MERGED_ROW_BYTES } from "./object-compaction.ts";

/**
 * Levels of the objects topic compaction writes: a compacted topic's cleaned records, holding
 * tombstones (which expire) or not. Rows into them are the partition's clean part; the rows after
 * them are dirty. Object compaction leaves these objects alone.
 */
export const CLEANED_LEVEL = 3;
export const CLEANED_WITH_TOMBSTONES_LEVEL = 4;

const isClean = (row: LeveledIndexRow) =>
  row.level === CLEANED_LEVEL || row.level === CLEANED_WITH_TOMBSTONES_LEVEL;

/** A compacted topic's cleaning configs (Kafka's names and defaults). */
export interface CleaningConfigs {
  deleteRetentionMs: number;
  minCompactionLagMs: number;
  maxCompactionLagMs: number;
  minCleanableDirtyRatio: number;
}

export interface TopicCompactionOptions {
  clusterId: string | null;
  nowMs: number;
  /** Memory of the key map (128 MiB holds 5 million keys). */
  mapBytes: number;
  /** Output objects are cut at about this size (each is held in memory until written). */
  outputObjectBytes: number;
  /** The job interval: a partition is cleaned this much before max.compaction.lag.ms runs out. */
  intervalMs: number;
}

export interface TopicCompactionPass {
  partitionsCleaned: number;
  recordsRemoved: number;
  bytesRead: number;
  bytesWritten: number;
  conflicts: number;
}

type TopicCompactionJobs = Pick<
  JobStore,
  "compactedTopics" | "partitionIndexRows" | "recordCompactionOutput" | "swapCompactedRows"
>;

function config(configs: TopicConfigs, key: string): number {
  return Number(configs[key] ?? defaultTopicConfig(key, DEFAULT_CLUSTER_SETTINGS));
}

export function cleaningConfigs(configs: TopicConfigs): CleaningConfigs {
  return {
    deleteRetentionMs: config(configs, "delete.retention.ms"),
    minCompactionLagMs: config(configs, "min.compaction.lag.ms"),
    maxCompactionLagMs: config(configs, "max.compaction.lag.ms"),
    minCleanableDirtyRatio: config(configs, "min.cleanable.dirty.ratio"),
  };
}

/**
 * Kafka's log cleaner for cleanup.policy=compact (and compact,delete), partition by partition.
 * A partition's rows are its clean part (rows into cleaned objects, from the log start on) then
 * its dirty part; of the dirty part only the rows committed at least min.compaction.lag.ms ago
 * may be cleaned. A partition is cleaned when the cleanable dirty bytes reach
 * min.cleanable.dirty.ratio of its bytes, when its oldest dirty row is about to outlive
 * max.compaction.lag.ms, or when its clean part holds tombstones older than delete.retention.ms
 * (as Kafka since KIP-534). Cleaning (cleanPartition) takes bounded memory whatever the keys.
 */
export async function compactTopics(
  jobs: TopicCompactionJobs,
  store: ObjectStore,
  options: TopicCompactionOptions,
): Promise<TopicCompactionPass> {
  const pass: TopicCompactionPass = {
    partitionsCleaned: 0,
    recordsRemoved: 0,
    bytesRead: 0,
    bytesWritten: 0,
    conflicts: 0,
  };
  for (const topic of await jobs.compactedTopics(options.clusterId)) {
    const configs = cleaningConfigs(topic.configs);
    for (let partition = 0; partition < topic.partitionCount; partition++) {
      const rows = await jobs.partitionIndexRows(topic.topicId, partition);
      if (!cleaningDue(rows, configs, options)) continue;
      await cleanPartition(jobs, store, topic, rows, configs, options, pass);
    }
  }
  return pass;
}

/** The dirty rows that may be cleaned now: committed min.compaction.lag.ms ago, oldest first. */
function cleanableDirtyRows(
  rows: readonly LeveledIndexRow[],
  configs: CleaningConfigs,
  nowMs: number,
): LeveledIndexRow[] {
  const dirty: LeveledIndexRow[] = [];
  for (const row of rows) {
    if (isClean(row)) continue;
    if (row.createdAt.getTime() > nowMs - configs.minCompactionLagMs) break;
    dirty.push(row);
  }
  return dirty;
}

/** Clean rows that may hold tombstones committed more than delete.retention.ms ago. */
function expiredTombstoneRows(
  rows: readonly LeveledIndexRow[],
  configs: CleaningConfigs,
  nowMs: number,
): LeveledIndexRow[] {
  return rows.filter(
    (r) =>
      r.level === CLEANED_WITH_TOMBSTONES_LEVEL &&
      r.createdAt.getTime() <= nowMs - configs.deleteRetentionMs,
  );
}

export function cleaningDue(
  rows: readonly LeveledIndexRow[],
  configs: CleaningConfigs,
  options: Pick<TopicCompactionOptions, "nowMs" | "intervalMs">,
): boolean {
  if (expiredTombstoneRows(rows, configs, options.nowMs).length > 0) return true;
  const dirty = cleanableDirtyRows(rows, configs, options.nowMs);
  if (dirty.length === 0) return false;
  const total = rows.reduce((n, r) => n + r.byteLength, 0);
  const dirtyBytes = dirty.reduce((n, r) => n + r.byteLength, 0);
  const oldest = Math.min(...dirty.map((r) => r.createdAt.getTime()));
  return (
    dirtyBytes >= configs.minCleanableDirtyRatio * total ||
    options.nowMs - oldest >= configs.maxCompactionLagMs - options.intervalMs
  );
}

/**
 * Cleans a partition in passes as long as cleanable dirty rows remain: each pass maps the newest
 * offset of every key over as many dirty rows as the map holds, then rewrites the partition from
 * its log start through those rows keeping a record only if no newer record of its key was
 * mapped, and a tombstone only while younger than delete.retention.ms. Batches keep their offsets
 * (a batch that lost records is re-encoded with its base offset and last offset delta; one that
 * lost all of them goes, leaving a gap), and the rewritten rows are swapped in atomically.
 */
async function cleanPartition(
  jobs: TopicCompactionJobs,
  store: ObjectStore,
  topic: CompactedTopic,
  initialRows: readonly LeveledIndexRow[],
  configs: CleaningConfigs,
  options: TopicCompactionOptions,
  pass: TopicCompactionPass,
): Promise<void> {
  let rows = initialRows;
  for (;;) {
    const dirty = cleanableDirtyRows(rows, configs, options.nowMs);
    if (dirty.length === 0) {
      // Only expired tombstones to drop: the clean part again, with nothing newer mapped.
      const expired = expiredTombstoneRows(rows, configs, options.nowMs);
      if (expired.length === 0) return;
      const end = expired.at(-1)!.lastOffset;
      const replaced = rows.filter((r) => r.lastOffset <= end);
      const empty = new KeyOffsetMap(0, replaced[0]!.baseOffset);
      if (await rewrite(jobs, store, topic, replaced, empty, configs, options, pass))
        pass.partitionsCleaned++;
      return;
    }
    const map = new KeyOffsetMap(options.mapBytes, dirty[0]!.baseOffset);
    const mapped: LeveledIndexRow[] = [];
    for (const row of dirty) {
      // Stop before a row whose records might not all fit: the next pass goes on from it.
      if (map.size + row.recordCount > map.capacity) break;
      pass.bytesRead += row.byteLength;
      await forEachRecord(store, row, map.baseOffset, (relativeOffset, key) => {
        if (key !== null) map.put(key, relativeOffset);
      });
      mapped.push(row);
    }
    if (mapped.length === 0)
      throw new Error(`the key map holds fewer keys than one index row has records`);
    const end = mapped.at(-1)!.lastOffset;
    const replaced = rows.filter((r) => r.lastOffset <= end);
    const swapped = await rewrite(jobs, store, topic, replaced, map, configs, options, pass);
    if (!swapped) return;
    pass.partitionsCleaned++;
    if (mapped.length === dirty.length) return;
    rows = await jobs.partitionIndexRows(topic.topicId, replaced[0]!.partition);
  }
}

/** Calls `each` with every record's offset (relative to `origin`) and key. */
async function forEachRecord(
  store: ObjectStore,
  row: StoredIndexRow,
  origin: bigint,
  each: (relativeOffset: number, key: Buffer | null) => void,
): Promise<void> {
  const bytes = await store.getRange(
    row.objectKey,
    row.byteOffset,
    row.byteOffset + row.byteLength,
  );
  let base = row.baseOffset;
  for (const batch of splitBatches(bytes).batches) {
    if (!batch.header.isControl) {
      const relativeBase = Number(base - origin);
      const payload = await decompressRecords(batch);
      for (const record of iterateRecords(payload, batch.header.recordCount))
        each(relativeBase + record.offsetDelta, record.key);
    }
    base += BigInt(batch.header.lastOffsetDelta + 1);
  }
}

/** An output row being filled, and the output object it goes into. */
interface OutputRun {
  row: StoredIndexRow;
  chunks: Buffer[];
}

/** Writes the kept records of `replaced` into new objects and swaps the rows; false on conflict. */
async function rewrite(
  jobs: TopicCompactionJobs,
  store: ObjectStore,
  topic: CompactedTopic,
  replaced: readonly LeveledIndexRow[],
  map: KeyOffsetMap,
  configs: CleaningConfigs,
  options: TopicCompactionOptions,
  pass: TopicCompactionPass,
): Promise<boolean> {
  const outputKeys: string[] = [];
  const written: StoredIndexRow[] = [];
  let runs: OutputRun[] = [];
  let objectBytes = 0;
  let tombstones = false;
  let run: OutputRun | undefined;
  const writeObject = async () => {
    if (runs.length === 0) return;
    const key = newObjectKey(topic.clusterId, "compacted");
    const object = encodeFlushObject(
      runs.map((r) => ({
        topicId: r.row.topicId,
        partition: r.row.partition,
        chunks: r.chunks,
        recordCount: r.row.recordCount,
        maxTimestamp: r.row.maxTimestamp,
      })),
    );
    runs.forEach((r, i) => {
      r.row.objectKey = key;
      r.row.byteOffset = object.sections[i]!.byteOffset;
      written.push(r.row);
    });
    const level = tombstones ? CLEANED_WITH_TOMBSTONES_LEVEL : CLEANED_LEVEL;
    await jobs.recordCompactionOutput(topic.clusterId, key, object.size, level);
    await store.put(key, object.parts);
    outputKeys.push(key);
    pass.bytesWritten += object.size;
    runs = [];
    objectBytes = 0;
    tombstones = false;
  };

  for (const row of replaced) {
    const bytes = await store.getRange(
      row.objectKey,
      row.byteOffset,
      row.byteOffset + row.byteLength,
    );
    let base = row.baseOffset;
    const tombstonesExpire = row.createdAt.getTime() <= options.nowMs - configs.deleteRetentionMs;
    for (const batch of splitBatches(bytes).batches) {
      const offsets = BigInt(batch.header.lastOffsetDelta + 1);
      const kept = await keptBatch(batch, base, map, tombstonesExpire, pass);
      if (kept === undefined) {
        run = undefined; // a gap in the offsets: the next kept batch starts a new row
      } else {
        const continues =
          run !== undefined &&
          run.row.lastOffset + 1n === base &&
          run.row.byteLength + kept.bytes.length <= MAX_MERGED_ROW_BYTES;
        if (!continues) {
          if (objectBytes >= options.outputObjectBytes) await writeObject();
          run = {
            row: {
              topicId: row.topicId,
              partition: row.partition,
              baseOffset: base,
              lastOffset: base + offsets - 1n,
              objectKey: "",
              byteOffset: 0,
              byteLength: 0,
              maxTimestamp: -1n,
              recordCount: 0,
              createdAt: row.createdAt,
            },
            chunks: [],
          };
          runs.push(run);
        }
        const r = run!.row;
        r.lastOffset = base + offsets - 1n;
        r.byteLength += kept.bytes.length;
        r.recordCount += kept.records;
        if (batch.header.maxTimestamp > r.maxTimestamp) r.maxTimestamp = batch.header.maxTimestamp;
        if (row.createdAt > r.createdAt) r.createdAt = row.createdAt;
        run!.chunks.push(kept.bytes);
        tombstones ||= kept.tombstones;
        objectBytes += kept.bytes.length;
      }
      base += offsets;
    }
  }
  await writeObject();
  try {
    await jobs.swapCompactedRows({
      clusterId: topic.clusterId,
      outputKeys,
      replaced,
      written,
      inputKeys: [...new Set(replaced.map((r) => r.objectKey))],
    });
    return true;
  } catch (error) {
    if (!(error instanceof CompactionConflictError)) throw error;
    pass.conflicts++;
    return false;
  }
}

/**
 * The batch with only the records to keep: as stored when all stay, re-encoded (same codec,
 * producer fields, base offset and last offset delta, so offsets stay where they were) when some
 * go, undefined when none stay.
 */
async function keptBatch(
  batch: RecordBatchView,
  baseOffset: bigint,
  map: KeyOffsetMap,
  tombstonesExpire: boolean,
  pass: TopicCompactionPass,
): Promise<{ bytes: Buffer; records: number; tombstones: boolean } | undefined> {
  const { header } = batch;
  if (header.isControl)
    return { bytes: batch.bytes, records: header.recordCount, tombstones: false };
  const kept: RecordInput[] = [];
  let tombstones = false;
  const relativeBase = Number(baseOffset - map.baseOffset);
  const payload = await decompressRecords(batch);
  for (const record of iterateRecords(payload, header.recordCount)) {
    const newest = record.key === null ? undefined : map.get(record.key);
    const superseded = newest !== undefined && newest > relativeBase + record.offsetDelta;
    if (superseded || (record.value === null && tombstonesExpire)) continue;
    tombstones ||= record.value === null;
    kept.push({
      key: record.key,
      value: record.value,
      headers: record.headers,
      timestamp: Number(header.firstTimestamp) + record.timestampDelta,
      offsetDelta: record.offsetDelta,
    });
  }
  pass.recordsRemoved += header.recordCount - kept.length;
  if (kept.length === header.recordCount)
    return { bytes: batch.bytes, records: kept.length, tombstones };
  if (kept.length === 0) return undefined;
  const bytes = await buildRecordBatch({
    records: kept,
    compression: header.compression,
    baseOffset: header.baseOffset,
    producerId: header.producerId,
    producerEpoch: header.producerEpoch,
    baseSequence: header.baseSequence,
    transactional: header.isTransactional,
    timestampType: header.timestampType,
    firstTimestamp: Number(header.firstTimestamp),
    maxTimestamp: Number(header.maxTimestamp),
    lastOffsetDelta: header.lastOffsetDelta,
  });
  return { bytes, records: kept.length, tombstones };
}
