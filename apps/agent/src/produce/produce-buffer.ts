import type { Logger } from "pino";
import type {
  CommitEntryErrorCode,
  CommitResult,
  FlushEntry,
  MetadataStore,
  PartitionHead,
  ProducerBatchInfo,
} from "../metadata/metadata-store.ts";
import { newObjectKey, type ObjectStore } from "../storage/object-store.ts";
import { encodeFlushObject, type FlushSectionInput } from "./flush-object.ts";
import { FlushFailedError, ProduceBufferClosedError } from "./produce-errors.ts";
import type { ProduceMetrics } from "./produce-metrics.ts";

/** One partition's validated record batches from one produce request. */
export interface ProduceEntry {
  topicId: string;
  topicName: string;
  partition: number;
  /** Whole record batches, already validated (see validateRecordBatches). */
  batches: Buffer;
  /** Offsets the batches take (sum of lastOffsetDelta + 1). */
  recordCount: number;
  maxTimestamp: bigint;
  producer?: ProducerBatchInfo;
}

export type AppendResult =
  | { ok: true; baseOffset: bigint; logAppendTimeMs: bigint }
  | { ok: false; errorCode: CommitEntryErrorCode };

export interface ProduceBufferOptions {
  store: ObjectStore;
  metadata: MetadataStore;
  /** Flush a cluster's buffer once it holds this many bytes. Default 8 MiB. */
  batchMaxBytes?: number;
  /** Flush a cluster's buffer once its oldest entry is this old. */
  batchTimeoutMs: number;
  /** Flushes (PUT + commit) running at once; further sealed flushes queue. Default 4. */
  maxFlushesInFlight?: number;
  metrics?: ProduceMetrics;
  logger?: Pick<Logger, "warn" | "error">;
  /** Called with the new heads after every commit, before producers are answered. */
  onCommitted?: (clusterId: string, heads: PartitionHead[]) => void;
}

export const DEFAULT_BATCH_MAX_BYTES = 8 * 1024 * 1024;

interface Append {
  entries: readonly ProduceEntry[];
  resolve: (results: AppendResult[]) => void;
  reject: (error: Error) => void;
}

/** What one object will hold: every append of one cluster since the previous flush. */
interface PendingFlush {
  clusterId: string;
  appends: Append[];
  bytes: number;
  timer: NodeJS.Timeout | undefined;
}

/**
 * The agent's single produce buffer, shared by all connections, clusters, topics and partitions.
 * Appends of a cluster accumulate until `batchMaxBytes` or `batchTimeoutMs`; then they are sealed
 * into one object, PUT, committed in one metadata transaction, and only then answered.
 */
export class ProduceBuffer {
  private readonly options: Required<Pick<ProduceBufferOptions, "batchMaxBytes" | "maxFlushesInFlight">> &
    ProduceBufferOptions;
  private readonly pending = new Map<string, PendingFlush>();
  private readonly sealed: PendingFlush[] = [];
  private readonly running = new Set<Promise<void>>();
  /** Per cluster, the commit of the most recently started flush (settled, never rejects). */
  private readonly lastCommit = new Map<string, Promise<void>>();
  private buffered = 0;
  private drainWaiters: { below: number; resolve: () => void }[] = [];
  private closed = false;

  constructor(options: ProduceBufferOptions) {
    this.options = {
      ...options,
      batchMaxBytes: options.batchMaxBytes ?? DEFAULT_BATCH_MAX_BYTES,
      maxFlushesInFlight: options.maxFlushesInFlight ?? 4,
    };
  }

  /** Bytes appended and not yet answered (buffered or being flushed). */
  get bufferedBytes(): number {
    return this.buffered;
  }

  /** Resolves once bufferedBytes < `bytes` (immediately if it already is). For backpressure. */
  whenBufferedBelow(bytes: number): Promise<void> {
    if (this.buffered < bytes) return Promise.resolve();
    return new Promise((resolve) => this.drainWaiters.push({ below: bytes, resolve }));
  }

  /**
   * Buffers the entries (all of one cluster) and resolves, after their object is written and
   * committed, with one result per entry. Rejects with FlushFailedError (retriable, nothing of the
   * flush committed) or ProduceBufferClosedError.
   */
  append(clusterId: string, entries: readonly ProduceEntry[]): Promise<AppendResult[]> {
    if (this.closed) return Promise.reject(new ProduceBufferClosedError());
    if (entries.length === 0) return Promise.resolve([]);
    return new Promise((resolve, reject) => {
      let flush = this.pending.get(clusterId);
      if (!flush) {
        flush = { clusterId, appends: [], bytes: 0, timer: undefined };
        const created = flush;
        flush.timer = setTimeout(() => this.seal(created), this.options.batchTimeoutMs);
        this.pending.set(clusterId, flush);
      }
      const bytes = entries.reduce((sum, e) => sum + e.batches.length, 0);
      flush.appends.push({ entries, resolve, reject });
      flush.bytes += bytes;
      this.buffered += bytes;
      if (flush.bytes >= this.options.batchMaxBytes) this.seal(flush);
    });
  }

  /** Stops accepting appends, flushes everything buffered and waits until all are answered. */
  async flushAndClose(): Promise<void> {
    this.closed = true;
    for (const flush of [...this.pending.values()]) this.seal(flush);
    while (this.running.size > 0) await Promise.allSettled([...this.running]);
  }

  private seal(flush: PendingFlush): void {
    if (this.pending.get(flush.clusterId) !== flush) return;
    clearTimeout(flush.timer);
    this.pending.delete(flush.clusterId);
    this.sealed.push(flush);
    this.startFlushes();
  }

  private startFlushes(): void {
    while (this.running.size < this.options.maxFlushesInFlight) {
      const flush = this.sealed.shift();
      if (!flush) return;
      const previousCommit = this.lastCommit.get(flush.clusterId) ?? Promise.resolve();
      let committed!: () => void;
      const commit = new Promise<void>((resolve) => (committed = resolve));
      this.lastCommit.set(flush.clusterId, commit);
      const run: Promise<void> = this.write(flush, previousCommit, committed)
        // Only a bug gets here (write answers its own failures); still answer every producer.
        .catch((error: unknown) => this.fail(flush, new FlushFailedError("put", error)))
        .finally(() => {
        committed();
        if (this.lastCommit.get(flush.clusterId) === commit) this.lastCommit.delete(flush.clusterId);
        this.running.delete(run);
        this.release(flush.bytes);
        this.startFlushes();
      });
      this.running.add(run);
    }
  }

  private release(bytes: number): void {
    this.buffered -= bytes;
    const ready = this.drainWaiters.filter((w) => this.buffered < w.below);
    if (ready.length === 0) return;
    this.drainWaiters = this.drainWaiters.filter((w) => this.buffered >= w.below);
    for (const w of ready) w.resolve();
  }

  /**
   * PUT the object, commit it, answer the appends. Never rejects. PUTs run in parallel, but a
   * cluster's commits go in the order its flushes were sealed (after `previousCommit` settles),
   * so records of a partition get offsets in the order they arrived.
   */
  private async write(flush: PendingFlush, previousCommit: Promise<void>, commitSettled: () => void): Promise<void> {
    const { store, metadata, metrics } = this.options;
    const started = performance.now();
    const { sectionInputs, entryOrder } = groupByPartition(flush.appends);
    const object = encodeFlushObject(sectionInputs);
    const key = newObjectKey(flush.clusterId, "flush");
    const flushEntries = flushEntriesOf(object.sections, entryOrder);

    try {
      await store.put(key, object.parts);
    } catch (error) {
      commitSettled();
      this.fail(flush, new FlushFailedError("put", error));
      // A timed-out PUT may still have landed: record it so it gets deleted.
      await metadata.recordOrphanedObject(flush.clusterId, key, object.size).catch(() => undefined);
      return;
    }
    await previousCommit;
    let commit: CommitResult;
    const commitStarted = performance.now();
    try {
      commit = await metadata.commitFlush(flush.clusterId, key, object.size, flushEntries);
    } catch (error) {
      this.fail(flush, new FlushFailedError("commit", error));
      return;
    } finally {
      commitSettled();
    }
    metrics?.commitSeconds.observe((performance.now() - commitStarted) / 1000);
    metrics?.flushBytes.observe(flush.bytes);
    this.options.onCommitted?.(flush.clusterId, commit.heads);

    const resultsByAppend = flush.appends.map((a) => new Array<AppendResult>(a.entries.length));
    commit.entries.forEach((result, i) => {
      const { appendIndex, entryIndex } = entryOrder[i]!;
      resultsByAppend[appendIndex]![entryIndex] = result.ok
        ? { ok: true, baseOffset: result.baseOffset, logAppendTimeMs: commit.committedAtMs }
        : result;
    });
    flush.appends.forEach((a, i) => a.resolve(resultsByAppend[i]!));
    metrics?.flushSeconds.observe((performance.now() - started) / 1000);
  }

  private fail(flush: PendingFlush, error: FlushFailedError): void {
    this.options.metrics?.flushFailures.inc();
    this.options.logger?.warn({ err: error, clusterId: flush.clusterId }, "flush failed");
    for (const a of flush.appends) a.reject(error);
  }
}

interface EntryPosition {
  appendIndex: number;
  entryIndex: number;
  section: number;
  /** Byte offset of the entry inside its section. */
  offsetInSection: number;
  entry: ProduceEntry;
}

/** Sections sorted by (topicId, partition), entries in arrival order; plus each entry's place. */
function groupByPartition(appends: readonly Append[]): {
  sectionInputs: FlushSectionInput[];
  entryOrder: EntryPosition[];
} {
  const byPartition = new Map<string, { topicId: string; partition: number; positions: EntryPosition[] }>();
  appends.forEach((append, appendIndex) => {
    append.entries.forEach((entry, entryIndex) => {
      const id = `${entry.topicId}:${entry.partition}`;
      let group = byPartition.get(id);
      if (!group) {
        group = { topicId: entry.topicId, partition: entry.partition, positions: [] };
        byPartition.set(id, group);
      }
      group.positions.push({ appendIndex, entryIndex, section: 0, offsetInSection: 0, entry });
    });
  });
  const groups = [...byPartition.values()].sort((a, b) =>
    a.topicId < b.topicId ? -1 : a.topicId > b.topicId ? 1 : a.partition - b.partition,
  );
  const sectionInputs: FlushSectionInput[] = [];
  const entryOrder: EntryPosition[] = [];
  groups.forEach((group, section) => {
    let offsetInSection = 0;
    let recordCount = 0;
    let maxTimestamp = -1n;
    for (const position of group.positions) {
      position.section = section;
      position.offsetInSection = offsetInSection;
      offsetInSection += position.entry.batches.length;
      recordCount += position.entry.recordCount;
      if (position.entry.maxTimestamp > maxTimestamp) maxTimestamp = position.entry.maxTimestamp;
      entryOrder.push(position);
    }
    sectionInputs.push({
      topicId: group.topicId,
      partition: group.partition,
      chunks: group.positions.map((p) => p.entry.batches),
      recordCount,
      maxTimestamp,
    });
  });
  return { sectionInputs, entryOrder };
}

function flushEntriesOf(
  sections: readonly { byteOffset: number }[],
  entryOrder: readonly EntryPosition[],
): FlushEntry[] {
  return entryOrder.map(({ entry, section, offsetInSection }) => ({
    topicId: entry.topicId,
    partition: entry.partition,
    byteOffset: sections[section]!.byteOffset + offsetInSection,
    byteLength: entry.batches.length,
    recordCount: entry.recordCount,
    maxTimestamp: entry.maxTimestamp,
    ...(entry.producer ? { producer: entry.producer } : {}),
  }));
}
