import { type Clock, systemClock } from "../clock.ts";
import type {
  HeadChange,
  HeadChangeSubscription,
  MetadataStore,
  PartitionHead,
  PartitionRef,
} from "../metadata/metadata-store.ts";

/** A partition to watch and the offset it must pass for the waiter to wake. */
export interface HeadWait extends PartitionRef {
  /** Wake once the high watermark is greater than this. */
  afterOffset: bigint;
}

interface Waiter {
  waits: readonly HeadWait[];
  wake: () => void;
}

/** What the head cache needs of the metadata store. */
export type HeadStore = Pick<MetadataStore, "partitionHeads" | "subscribeHeadChanges">;

type CachedHead = Omit<PartitionHead, "topicId" | "partition">;

export function partitionKey(topicId: string, partition: number): string {
  return `${topicId}:${partition}`;
}

/**
 * In-memory partition heads (high watermark, log start) of every partition this agent has
 * looked at, kept current by the metadata store's change notifications (commits by any agent),
 * and the long-poll waiters those notifications wake. Heads only move forward, so a late
 * notification or a slow read can never move a cached head back.
 */
export class PartitionHeadCache {
  private readonly metadata: HeadStore;
  private readonly clock: Clock;
  private readonly heads = new Map<string, CachedHead>();
  private readonly waiters = new Map<string, Set<Waiter>>();
  private subscription: HeadChangeSubscription | undefined;

  /** `clock` times long polls out; the system clock by default. */
  constructor(metadata: HeadStore, clock: Clock = systemClock) {
    this.metadata = metadata;
    this.clock = clock;
  }

  /** Starts listening for head changes; resolves once listening. */
  async start(): Promise<void> {
    this.subscription = this.metadata.subscribeHeadChanges({
      onChange: (change: HeadChange) => this.apply([change]),
      onResync: () => this.resync(),
    });
    await this.subscription.ready;
  }

  async close(): Promise<void> {
    await this.subscription?.close();
    this.subscription = undefined;
    for (const set of this.waiters.values()) for (const w of set) w.wake();
    this.waiters.clear();
  }

  /** Heads of the partitions that exist; cache misses are read in one query. */
  async get(clusterId: string, refs: readonly PartitionRef[]): Promise<Map<string, PartitionHead>> {
    const missing = refs.filter((r) => !this.heads.has(partitionKey(r.topicId, r.partition)));
    if (missing.length > 0) this.apply(await this.metadata.partitionHeads(clusterId, missing));
    return this.collect(refs);
  }

  /** Heads read from the metadata store now (for when the cache may lag, e.g. an offset beyond it). */
  async refresh(
    clusterId: string,
    refs: readonly PartitionRef[],
  ): Promise<Map<string, PartitionHead>> {
    if (refs.length > 0) this.apply(await this.metadata.partitionHeads(clusterId, refs));
    return this.collect(refs);
  }

  /** Merges newer heads (local commits, notifications) and wakes the waiters they satisfy. */
  apply(
    heads: Iterable<
      Pick<PartitionHead, "topicId" | "partition" | "highWatermark" | "logStartOffset"> & {
        leaderEpoch?: number;
      }
    >,
  ): void {
    for (const head of heads) {
      const key = partitionKey(head.topicId, head.partition);
      const current = this.heads.get(key);
      const next: CachedHead = {
        highWatermark: max(current?.highWatermark, head.highWatermark),
        logStartOffset: max(current?.logStartOffset, head.logStartOffset),
        leaderEpoch: head.leaderEpoch ?? current?.leaderEpoch ?? 0,
      };
      this.heads.set(key, next);
      const set = this.waiters.get(key);
      if (!set) continue;
      for (const waiter of set) {
        if (
          waiter.waits.some(
            (w) =>
              partitionKey(w.topicId, w.partition) === key && w.afterOffset < next.highWatermark,
          )
        ) {
          waiter.wake();
        }
      }
    }
  }

  /**
   * Resolves when any watched partition's high watermark passes its `afterOffset` (immediately
   * if one already has), after `timeoutMs`, or when `signal` aborts. No polling: commits wake it.
   */
  waitForData(waits: readonly HeadWait[], timeoutMs: number, signal?: AbortSignal): Promise<void> {
    const satisfied = waits.some((w) => {
      const head = this.heads.get(partitionKey(w.topicId, w.partition));
      return head !== undefined && w.afterOffset < head.highWatermark;
    });
    if (satisfied || timeoutMs <= 0 || signal?.aborted || waits.length === 0)
      return Promise.resolve();
    return new Promise((resolve) => {
      const keys = [...new Set(waits.map((w) => partitionKey(w.topicId, w.partition)))];
      const waiter: Waiter = {
        waits,
        wake: () => {
          timer.cancel();
          signal?.removeEventListener("abort", waiter.wake);
          for (const key of keys) {
            const set = this.waiters.get(key);
            set?.delete(waiter);
            if (set?.size === 0) this.waiters.delete(key);
          }
          resolve();
        },
      };
      const timer = this.clock.schedule(timeoutMs, waiter.wake);
      signal?.addEventListener("abort", waiter.wake, { once: true });
      for (const key of keys) {
        let set = this.waiters.get(key);
        if (!set) this.waiters.set(key, (set = new Set()));
        set.add(waiter);
      }
    });
  }

  private collect(refs: readonly PartitionRef[]): Map<string, PartitionHead> {
    const result = new Map<string, PartitionHead>();
    for (const r of refs) {
      const key = partitionKey(r.topicId, r.partition);
      const head = this.heads.get(key);
      if (head) result.set(key, { topicId: r.topicId, partition: r.partition, ...head });
    }
    return result;
  }

  /** Changes may have been missed while the listener was down: forget everything, wake everyone. */
  private resync(): void {
    this.heads.clear();
    for (const set of [...this.waiters.values()]) for (const w of [...set]) w.wake();
  }
}

function max(a: bigint | undefined, b: bigint): bigint {
  return a === undefined || b > a ? b : a;
}
