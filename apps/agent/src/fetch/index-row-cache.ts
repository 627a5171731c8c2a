import { type Clock, systemClock } from "../clock.ts";
import type { IndexLookup, IndexRow, MetadataStore } from "../metadata/metadata-store.ts";
import { partitionKey } from "./partition-heads.ts";

export interface IndexRowCacheOptions {
  /**
   * How long rows are trusted. Must stay well below the grace period after which unreferenced
   * objects are deleted (compaction replaces rows; their old objects outlive the grace period).
   * Default 30 s.
   */
  ttlMs?: number;
  /** Partitions remembered (least recently used dropped). Default 10,000. */
  maxPartitions?: number;
  /** Rows remembered per partition (lowest offsets dropped). Default 64. */
  maxRowsPerPartition?: number;
  /** Ages rows for ttlMs. Default: the system clock. */
  clock?: Clock;
}

interface CachedRows {
  /** Sorted by baseOffset. */
  rows: IndexRow[];
  loadedAt: number;
}

/**
 * Recently looked-up index rows. A consumer reading a flush object in partition_max_bytes steps
 * asks for the same row several times; this answers those from memory, and falls back to one
 * batched metadata query for every lookup the cached rows cannot fully answer.
 */
export class IndexRowCache {
  private readonly ttlMs: number;
  private readonly maxPartitions: number;
  private readonly maxRowsPerPartition: number;
  private readonly clock: Clock;
  private readonly partitions = new Map<string, CachedRows>();
  private hitCount = 0;
  private missCount = 0;

  constructor(options: IndexRowCacheOptions = {}) {
    this.ttlMs = options.ttlMs ?? 30_000;
    this.maxPartitions = options.maxPartitions ?? 10_000;
    this.maxRowsPerPartition = options.maxRowsPerPartition ?? 64;
    this.clock = options.clock ?? systemClock;
  }

  get stats(): { hits: number; misses: number; partitions: number } {
    return { hits: this.hitCount, misses: this.missCount, partitions: this.partitions.size };
  }

  /**
   * Rows for each lookup (as MetadataStore.findIndexRows), `highWatermarks[i]` being the
   * partition's current high watermark: cached rows serve a lookup when they cover its byte
   * budget or everything up to that high watermark.
   */
  async find(
    metadata: Pick<MetadataStore, "findIndexRows">,
    clusterId: string,
    lookups: readonly IndexLookup[],
    highWatermarks: readonly bigint[],
  ): Promise<IndexRow[][]> {
    const results = lookups.map((l, i) => this.cached(l, highWatermarks[i]!));
    const missing = lookups.filter((_, i) => results[i] === undefined);
    this.hitCount += lookups.length - missing.length;
    this.missCount += missing.length;
    if (missing.length === 0) return results as IndexRow[][];
    const loaded = await metadata.findIndexRows(clusterId, missing);
    let next = 0;
    return results.map((cached) => {
      if (cached) return cached;
      const rows = loaded[next++]!;
      this.remember(rows);
      return rows;
    });
  }

  private cached(lookup: IndexLookup, highWatermark: bigint): IndexRow[] | undefined {
    const key = partitionKey(lookup.topicId, lookup.partition);
    const entry = this.partitions.get(key);
    if (!entry) return undefined;
    if (this.clock.now() - entry.loadedAt > this.ttlMs) {
      this.partitions.delete(key);
      return undefined;
    }
    const start = entry.rows.findIndex(
      (r) => r.baseOffset <= lookup.fromOffset && lookup.fromOffset <= r.lastOffset,
    );
    if (start < 0) return undefined;
    const run: IndexRow[] = [];
    let bytes = 0;
    for (let i = start; i < entry.rows.length; i++) {
      const row = entry.rows[i]!;
      if (run.length > 0 && row.baseOffset !== run.at(-1)!.lastOffset + 1n) break;
      run.push(row);
      bytes += row.byteLength;
      if (bytes >= lookup.maxBytes) break;
    }
    const complete = bytes >= lookup.maxBytes || run.at(-1)!.lastOffset + 1n >= highWatermark;
    if (!complete) return undefined;
    // Recently used partitions stay longest.
    this.partitions.delete(key);
    this.partitions.set(key, entry);
    return run;
  }

  private remember(rows: readonly IndexRow[]): void {
    if (rows.length === 0) return;
    const key = partitionKey(rows[0]!.topicId, rows[0]!.partition);
    const entry = this.partitions.get(key);
    const fresh = entry && this.clock.now() - entry.loadedAt <= this.ttlMs;
    const byOffset = new Map<bigint, IndexRow>(
      fresh ? entry.rows.map((r) => [r.baseOffset, r]) : [],
    );
    for (const row of rows) byOffset.set(row.baseOffset, row);
    const merged = [...byOffset.values()].sort((a, b) => (a.baseOffset < b.baseOffset ? -1 : 1));
    this.partitions.delete(key);
    this.partitions.set(key, {
      rows: merged.slice(-this.maxRowsPerPartition),
      loadedAt: fresh ? entry.loadedAt : this.clock.now(),
    });
    if (this.partitions.size > this.maxPartitions) {
      const oldest = this.partitions.keys().next().value;
      if (oldest !== undefined) this.partitions.delete(oldest);
    }
  }
}
