import type { Logger } from "pino";
import { type Clock, systemClock, type Timer } from "../clock.ts";
import type {
  CommitEntryErrorCode,
  CommitResult,
  MetadataStore,
  PartitionHead,
  ProducerBatchInfo,
} from "../metadata/metadata-store.ts";
import { newObjectKey, type ObjectStore } from "../storage/object-store.ts";
import type { Random } from "../storage/seeded-random.ts";
import { type FlushLayout, layOutFlush } from "./flush-layout.ts";
import { FlushFailedError, ProduceBufferClosedError } from "./produce-errors.ts";
import type { ProduceMetrics, ProduceStage } from "./produce-metrics.ts";

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

/** What the produce buffer needs of the metadata store. */
export type FlushCommitStore = Pick<MetadataStore, "commitFlushes" | "recordOrphanedObject">;

export interface ProduceBufferOptions {
  store: Pick<ObjectStore, "put">;
  metadata: FlushCommitStore;
  /** Flush a cluster's buffer once it holds this many bytes. Default 8 MiB. */
  batchMaxBytes?: number;
  /** Flush a cluster's buffer once its oldest entry is this old. */
  batchTimeoutMs: number;
  /**
   * Flushes (PUT + commit) in progress at once; further sealed flushes queue. PUTs run in
   * parallel; a cluster's commits go one at a time, in seal order, each taking every flush whose
   * PUT is done (group commit). Default 8.
   */
  maxFlushesInFlight?: number;
  metrics?: ProduceMetrics;
  logger?: Pick<Logger, "warn" | "error">;
  /** Called with the new heads after every commit, before producers are answered. */
  onCommitted?: (clusterId: string, heads: PartitionHead[]) => void;
  /** Batch timeouts, stage timings and object key times. Default: the system clock. */
  clock?: Clock;
  /** Object keys' random part. Default: ulid's (crypto) generator. */
  random?: Random;
}

export const DEFAULT_BATCH_MAX_BYTES = 8 * 1024 * 1024;
export const DEFAULT_MAX_FLUSHES_IN_FLIGHT = 8;

interface Append {
  entries: readonly ProduceEntry[];
  /** clock.now() when appended. */
  at: number;
  resolve: (results: AppendResult[]) => void;
  reject: (error: Error) => void;
}

/** What one object will hold: every append of one cluster since the previous flush. */
interface PendingFlush {
  clusterId: string;
  appends: Append[];
  bytes: number;
  timer: Timer | undefined;
  /** batchTimeoutMs has passed: flush as soon as a flush slot is free. */
  due: boolean;
}

/** A sealed flush on its way: PUT, then commit (in seal order, grouped), then answered. */
interface FlushInFlight {
  flush: PendingFlush;
  key: string;
  layout: FlushLayout;
  state: "writing" | "written" | "failed";
  startedAt: number;
  /** When its PUT finished. */
  writtenAt: number;
  /** Frees its in-flight slot (after it is answered). */
  finished: () => void;
}

/**
 * The agent's single produce buffer, shared by all connections, clusters, topics and partitions.
 * Appends of a cluster accumulate until `batchMaxBytes` or `batchTimeoutMs`; then they are sealed
 * into one object, PUT, committed to the metadata store, and only then answered. A cluster's
 * flushes commit in the order they were sealed, so a partition's records keep arrival order.
 */
export class ProduceBuffer {
  private readonly options: Required<
    Pick<ProduceBufferOptions, "batchMaxBytes" | "maxFlushesInFlight" | "clock">
  > &
    ProduceBufferOptions;
  private readonly pending = new Map<string, PendingFlush>();
  private readonly sealed: PendingFlush[] = [];
  private readonly running = new Set<Promise<void>>();
  /** Per cluster, started flushes not yet committed, in seal order. */
  private readonly commitOrder = new Map<string, FlushInFlight[]>();
  /** Clusters with a commit transaction under way. */
  private readonly committing = new Set<string>();
  private buffered = 0;
  private drainWaiters: { below: number; resolve: () => void }[] = [];
  private closed = false;

  constructor(options: ProduceBufferOptions) {
    this.options = {
      ...options,
      batchMaxBytes: options.batchMaxBytes ?? DEFAULT_BATCH_MAX_BYTES,
      maxFlushesInFlight: options.maxFlushesInFlight ?? DEFAULT_MAX_FLUSHES_IN_FLIGHT,
      clock: options.clock ?? systemClock,
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
        flush = { clusterId, appends: [], bytes: 0, timer: undefined, due: false };
        const created = flush;
        flush.timer = this.options.clock.schedule(this.options.batchTimeoutMs, () => {
          created.due = true;
          this.startFlushes();
        });
        this.pending.set(clusterId, flush);
      }
      const bytes = entries.reduce((sum, e) => sum + e.batches.length, 0);
      flush.appends.push({ entries, at: this.options.clock.now(), resolve, reject });
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
    flush.timer?.cancel();
    this.pending.delete(flush.clusterId);
    this.sealed.push(flush);
    this.startFlushes();
  }

  /**
   * Starts sealed flushes while slots are free, then due ones. A due flush that finds every slot
   * busy stays open and keeps taking appends, so under load objects grow (up to batchMaxBytes)
   * instead of queueing up: fewer, larger commits, with one index row per partition each.
   */
  private startFlushes(): void {
    while (this.running.size < this.options.maxFlushesInFlight) {
      if (this.sealed.length === 0) {
        const due = [...this.pending.values()].find((f) => f.due);
        if (!due) return;
        this.seal(due);
        return;
      }
      const flush = this.sealed.shift()!;
      let finished!: () => void;
      const run = new Promise<void>((resolve) => (finished = resolve));
      this.running.add(run);
      void run.then(() => {
        this.running.delete(run);
        this.release(flush.bytes);
        this.startFlushes();
      });
      let inFlight: FlushInFlight;
      try {
        inFlight = {
          flush,
          key: newObjectKey(flush.clusterId, "flush", this.options.clock, this.options.random),
          layout: layOutFlush(flush.appends),
          state: "writing",
          startedAt: this.options.clock.now(),
          writtenAt: 0,
          finished,
        };
      } catch (error) {
        // Only a bug gets here (entries are validated); still answer every producer.
        this.fail(flush, new FlushFailedError("put", error));
        finished();
        continue;
      }
      const queue = this.commitOrder.get(flush.clusterId) ?? [];
      queue.push(inFlight);
      this.commitOrder.set(flush.clusterId, queue);
      void this.write(inFlight);
    }
  }

  private release(bytes: number): void {
    this.buffered -= bytes;
    const ready = this.drainWaiters.filter((w) => this.buffered < w.below);
    if (ready.length === 0) return;
    this.drainWaiters = this.drainWaiters.filter((w) => this.buffered >= w.below);
    for (const w of ready) w.resolve();
  }

  /** PUTs the object, then lets the cluster's commits proceed. Never rejects. */
  private async write(f: FlushInFlight): Promise<void> {
    try {
      await this.options.store.put(f.key, f.layout.parts);
      f.state = "written";
      f.writtenAt = this.options.clock.now();
    } catch (error) {
      f.state = "failed";
      this.fail(f.flush, new FlushFailedError("put", error));
      f.finished();
      // A timed-out PUT may still have landed: record it so it gets deleted.
      void this.options.metadata
        .recordOrphanedObject(f.flush.clusterId, f.key, f.layout.size)
        .catch(() => undefined);
    }
    this.commitNext(f.flush.clusterId);
  }

  /** Commits, in one transaction, the written flushes at the head of the cluster's seal order. */
  private commitNext(clusterId: string): void {
    if (this.committing.has(clusterId)) return;
    const queue = this.commitOrder.get(clusterId) ?? [];
    const group: FlushInFlight[] = [];
    while (queue.length > 0 && queue[0]!.state !== "writing") {
      const f = queue.shift()!;
      if (f.state === "written") group.push(f);
    }
    if (queue.length === 0) this.commitOrder.delete(clusterId);
    if (group.length === 0) return;
    this.committing.add(clusterId);
    void this.commit(clusterId, group).finally(() => {
      this.committing.delete(clusterId);
      this.commitNext(clusterId);
    });
  }

  private async commit(clusterId: string, group: readonly FlushInFlight[]): Promise<void> {
    const { metadata, metrics, clock } = this.options;
    const started = clock.now();
    let results: CommitResult[];
    try {
      results = await metadata.commitFlushes(
        clusterId,
        group.map((f) => ({
          objectKey: f.key,
          sizeBytes: f.layout.size,
          entries: f.layout.entries,
        })),
      );
    } catch (error) {
      for (const f of group) {
        this.fail(f.flush, new FlushFailedError("commit", error));
        f.finished();
      }
      return;
    }
    const committed = clock.now();
    metrics?.commitSeconds.observe((committed - started) / 1000);
    this.options.onCommitted?.(clusterId, results.at(-1)!.heads);
    group.forEach((f, i) => {
      answer(f, results[i]!);
      metrics?.flushBytes.observe(f.flush.bytes);
      metrics?.flushSeconds.observe((clock.now() - f.startedAt) / 1000);
      if (metrics) observeStages(metrics, f, started, committed);
      f.finished();
    });
  }

  private fail(flush: PendingFlush, error: FlushFailedError): void {
    this.options.metrics?.flushFailures.inc();
    this.options.logger?.warn({ err: error, clusterId: flush.clusterId }, "flush failed");
    for (const a of flush.appends) a.reject(error);
  }
}

/** Where the committed flush's appends spent their time (see ProduceMetrics.stageSeconds). */
function observeStages(
  metrics: ProduceMetrics,
  f: FlushInFlight,
  commitStarted: number,
  committed: number,
): void {
  const { stageSeconds } = metrics;
  for (const a of f.flush.appends)
    stageSeconds.observe({ stage: "buffer_wait" }, (f.startedAt - a.at) / 1000);
  const appends = f.flush.appends.length;
  const observe = (stage: ProduceStage, seconds: number) => {
    for (let i = 0; i < appends; i++) stageSeconds.observe({ stage }, seconds);
  };
  observe("object_write", (f.writtenAt - f.startedAt) / 1000);
  observe("commit_wait", (commitStarted - f.writtenAt) / 1000);
  observe("commit", (committed - commitStarted) / 1000);
}

/** Resolves every append of the flush with its entries' results. */
function answer(f: FlushInFlight, commit: CommitResult): void {
  const results = f.flush.appends.map((a) => new Array<AppendResult>(a.entries.length));
  commit.entries.forEach((result, i) => {
    const { appendIndex, entryIndex } = f.layout.positions[i]!;
    results[appendIndex]![entryIndex] = result.ok
      ? { ok: true, baseOffset: result.baseOffset, logAppendTimeMs: commit.committedAtMs }
      : result;
  });
  f.flush.appends.forEach((a, i) => a.resolve(results[i]!));
}
