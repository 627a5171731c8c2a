import type { Logger } from "pino";
import { LOG_OVERHEAD, patchBaseOffset, patchPartitionLeaderEpoch } from "@streambed/protocol";
import { type Clock, systemClock } from "../clock.ts";
import type { IndexRow, MetadataStore, PartitionHead } from "../metadata/metadata-store.ts";
import type { TransactionStore } from "../metadata/transaction-store.ts";
import type { BlockCache } from "./block-cache.ts";
import { IndexRowCache } from "./index-row-cache.ts";
import { partitionKey, type HeadWait, type PartitionHeadCache } from "./partition-heads.ts";

export interface FetchPartitionRequest {
  topicId: string;
  partition: number;
  fetchOffset: bigint;
  partitionMaxBytes: number;
  /**
   * Answer only the partition's offsets, no records, and without waiting: the consumer is sent to
   * another agent for the data (KIP-392 preferred read replica).
   */
  offsetsOnly?: boolean;
}

export interface FetchRequest {
  clusterId: string;
  partitions: readonly FetchPartitionRequest[];
  /** Response byte budget across partitions (whole batches; the first batch always comes). */
  maxBytes: number;
  minBytes: number;
  maxWaitMs: number;
  /** Aborts the long poll early (connection closed, shutdown): answers with what is there. */
  signal?: AbortSignal;
  /**
   * isolation.level=read_committed: stop at each partition's last stable offset (the first offset
   * of its oldest open transaction) and list the aborted transactions the records cross.
   */
  readCommitted?: boolean;
}

export type FetchErrorCode =
  "OFFSET_OUT_OF_RANGE" | "UNKNOWN_TOPIC_OR_PARTITION" | "KAFKA_STORAGE_ERROR";

export interface FetchPartitionResult {
  topicId: string;
  partition: number;
  highWatermark: bigint;
  logStartOffset: bigint;
  /** The high watermark, unless read_committed (then where the records stop). */
  lastStableOffset: bigint;
  /** read_committed: aborted transactions from the fetch offset on, for the client to drop. */
  abortedTransactions?: { producerId: bigint; firstOffset: bigint }[];
  /** Whole record batches with baseOffset patched; empty when there is nothing (or an error). */
  records: Buffer;
  errorCode?: FetchErrorCode;
}

/** What reads need of the metadata store: index rows, and stable offsets for read_committed. */
export type FetchMetadata = Pick<MetadataStore, "findIndexRows"> & {
  transactions: Pick<TransactionStore, "stablePartitions">;
};

export interface FetchReaderOptions {
  metadata: FetchMetadata;
  heads: PartitionHeadCache;
  blocks: BlockCache;
  /** Default: a private IndexRowCache with its defaults. */
  indexRows?: IndexRowCache;
  logger?: Pick<Logger, "warn">;
  /** Long-poll deadlines. Default: the system clock. */
  clock?: Clock;
}

/** Bytes of a batch header needed to size it and count its offsets (through lastOffsetDelta). */
const HEADER_PREFIX = 27;

export class CorruptObjectError extends Error {
  constructor(key: string, position: number, reason: string) {
    super(`corrupt batch in object ${key} at byte ${position}: ${reason}`);
    this.name = "CorruptObjectError";
  }
}

/**
 * Serves Fetch: checks offsets against the cached partition heads, looks up index rows, reads
 * whole batches through the block cache, patches their baseOffset, and long-polls until
 * `minBytes` or `maxWaitMs` (woken by commits from any agent, never by polling).
 */
export class FetchReader {
  private readonly metadata: FetchMetadata;
  private readonly heads: PartitionHeadCache;
  private readonly blocks: BlockCache;
  private readonly indexRows: IndexRowCache;
  private readonly logger: Pick<Logger, "warn"> | undefined;
  private readonly clock: Clock;

  constructor(options: FetchReaderOptions) {
    this.metadata = options.metadata;
    this.heads = options.heads;
    this.blocks = options.blocks;
    this.indexRows = options.indexRows ?? new IndexRowCache();
    this.logger = options.logger;
    this.clock = options.clock ?? systemClock;
  }

  /**
   * The records of each partition. When the object store fails (or answers short), every
   * partition is answered KAFKA_STORAGE_ERROR, which clients retry, rather than the whole request
   * failing with an unknown error.
   */
  async read(request: FetchRequest): Promise<FetchPartitionResult[]> {
    try {
      return await this.readWaiting(request);
    } catch (err) {
      this.logger?.warn({ err }, "fetch failed to read stored data");
      return request.partitions.map((p) => emptyResult(p, undefined, "KAFKA_STORAGE_ERROR"));
    }
  }

  private async readWaiting(request: FetchRequest): Promise<FetchPartitionResult[]> {
    const deadline = this.clock.now() + request.maxWaitMs;
    for (;;) {
      const results = await this.readOnce(request);
      const bytes = results.reduce((sum, r) => sum + r.records.length, 0);
      const remaining = deadline - this.clock.now();
      if (
        request.partitions.some((p) => p.offsetsOnly) ||
        bytes >= request.minBytes ||
        bytes >= request.maxBytes ||
        remaining <= 0 ||
        request.signal?.aborted
      ) {
        return results;
      }
      if (results.some((r) => r.errorCode !== undefined)) return results;
      // Wake on anything newer than what this round saw.
      const waits: HeadWait[] = results.map((r) => ({
        topicId: r.topicId,
        partition: r.partition,
        afterOffset: r.highWatermark,
      }));
      await this.heads.waitForData(waits, remaining, request.signal);
    }
  }

  private async readOnce(request: FetchRequest): Promise<FetchPartitionResult[]> {
    const heads = await this.currentHeads(request);
    const results: FetchPartitionResult[] = request.partitions.map((p) => {
      const head = heads.get(partitionKey(p.topicId, p.partition));
      if (!head) return emptyResult(p, undefined, "UNKNOWN_TOPIC_OR_PARTITION");
      if (p.fetchOffset < head.logStartOffset || p.fetchOffset > head.highWatermark) {
        return emptyResult(p, head, "OFFSET_OUT_OF_RANGE");
      }
      return emptyResult(p, head, undefined);
    });
    if (request.readCommitted) await this.stopAtStableOffsets(request, results);
    const wanted = request.partitions
      .map((p, i) => ({ p, i }))
      .filter(
        ({ p, i }) =>
          !p.offsetsOnly &&
          results[i]!.errorCode === undefined &&
          p.fetchOffset < results[i]!.lastStableOffset,
      );
    if (wanted.length === 0) return results;
    const rows = await this.indexRows.find(
      this.metadata,
      request.clusterId,
      wanted.map(({ p }) => ({
        topicId: p.topicId,
        partition: p.partition,
        fromOffset: p.fetchOffset,
        maxBytes: Math.max(1, Math.min(p.partitionMaxBytes, request.maxBytes)),
      })),
      wanted.map(({ i }) => results[i]!.highWatermark),
    );
    await this.recheckMissingRows(request.clusterId, wanted, rows, results);
    const limits = shareBudget(
      request.maxBytes,
      wanted.map(({ p }) => p.partitionMaxBytes),
      rows,
    );
    this.prefetch(rows, limits);
    let used = 0;
    for (const [n, { p, i }] of wanted.entries()) {
      if (results[i]!.errorCode !== undefined) continue;
      // Whatever the budget, the first partition with data gets at least one whole batch.
      if (limits[n]! <= 0 && used > 0) continue;
      const records = await this.readPartition(
        rows[n]!,
        p.fetchOffset,
        results[i]!.lastStableOffset,
        limits[n]!,
        used === 0,
      );
      results[i]!.records = records;
      used += records.length;
    }
    return results;
  }

  /**
   * read_committed: each partition's last stable offset (records stop there) and the aborted
   * transactions below it, read in one statement so both are of the same moment.
   */
  private async stopAtStableOffsets(
    request: FetchRequest,
    results: FetchPartitionResult[],
  ): Promise<void> {
    const readable = request.partitions
      .map((p, i) => ({ p, i }))
      .filter(({ i }) => results[i]!.errorCode === undefined);
    if (readable.length === 0) return;
    const stable = await this.metadata.transactions.stablePartitions(
      request.clusterId,
      readable.map(({ p }) => p),
    );
    readable.forEach(({ i }, n) => {
      const result = results[i]!;
      const { firstOpenOffset, aborted } = stable[n]!;
      if (firstOpenOffset !== null && firstOpenOffset < result.highWatermark)
        result.lastStableOffset = firstOpenOffset;
      result.abortedTransactions = aborted.filter((a) => a.firstOffset < result.lastStableOffset);
    });
  }

  /**
   * No index row below the high watermark means the rows were dropped (DeleteRecords, retention)
   * and the cached log start lags: re-read those heads, so the answer is OFFSET_OUT_OF_RANGE.
   */
  private async recheckMissingRows(
    clusterId: string,
    wanted: readonly { p: FetchPartitionRequest; i: number }[],
    rows: readonly IndexRow[][],
    results: FetchPartitionResult[],
  ): Promise<void> {
    const missing = wanted.filter((_, n) => rows[n]!.length === 0);
    if (missing.length === 0) return;
    const fresh = await this.heads.refresh(
      clusterId,
      missing.map(({ p }) => p),
    );
    for (const { p, i } of missing) {
      const head = fresh.get(partitionKey(p.topicId, p.partition));
      results[i] = !head
        ? emptyResult(p, undefined, "UNKNOWN_TOPIC_OR_PARTITION")
        : emptyResult(
            p,
            head,
            p.fetchOffset < head.logStartOffset ? "OFFSET_OUT_OF_RANGE" : undefined,
          );
    }
  }

  /**
   * Starts the block loads the response will need, so that reads from several objects overlap
   * instead of running one after another, plus the rest of each row read into (read-ahead); in
   * the order the budget was shared out (the earliest objects first).
   */
  private prefetch(rows: readonly IndexRow[][], limits: readonly number[]): void {
    const left = [...limits];
    for (let round = 0; ; round++) {
      let started = false;
      rows.forEach((partitionRows, n) => {
        const row = partitionRows[round];
        if (!row || left[n]! <= 0) return;
        // The whole row: a consumer reading on will want the rest of it next (read-ahead).
        this.blocks.prefetch(row.objectKey, row.byteOffset, row.byteOffset + row.byteLength);
        left[n]! -= row.byteLength;
        started = true;
      });
      if (!started) return;
    }
  }

  /** Cached heads, re-read from the store where the request is beyond them (the cache may lag). */
  private async currentHeads(request: FetchRequest): Promise<Map<string, PartitionHead>> {
    const heads = await this.heads.get(request.clusterId, request.partitions);
    const stale = request.partitions.filter((p) => {
      const head = heads.get(partitionKey(p.topicId, p.partition));
      return !head || p.fetchOffset > head.highWatermark || p.fetchOffset < head.logStartOffset;
    });
    if (stale.length === 0) return heads;
    const fresh = await this.heads.refresh(request.clusterId, stale);
    for (const [key, head] of fresh) heads.set(key, head);
    return heads;
  }

  /**
   * Whole batches from `fetchOffset` on and before `endOffset`, up to `limit` bytes; when
   * `atLeastOne`, the first batch comes even if it is larger. Returns a fresh buffer with
   * baseOffsets patched.
   */
  private async readPartition(
    rows: readonly IndexRow[],
    fetchOffset: bigint,
    endOffset: bigint,
    limit: number,
    atLeastOne: boolean,
  ): Promise<Buffer> {
    const pieces: Buffer[] = [];
    const baseOffsets: bigint[] = [];
    let taken = 0;
    for (const row of rows) {
      if (row.baseOffset >= endOffset) break;
      const rowEnd = row.byteOffset + row.byteLength;
      let position = row.byteOffset;
      let offset = row.baseOffset;
      // Skip the batches of the row that end before fetchOffset.
      while (position < rowEnd) {
        const { size, offsets } = await this.batchAt(row.objectKey, position, rowEnd);
        if (offset + BigInt(offsets) > fetchOffset) break;
        position += size;
        offset += BigInt(offsets);
      }
      if (position >= rowEnd) continue;
      const room = limit - taken;
      const mustTakeFirst = atLeastOne && pieces.length === 0;
      let window = await this.blocks.read(
        row.objectKey,
        position,
        Math.min(rowEnd, position + Math.max(room, 0)),
      );
      if (mustTakeFirst) {
        const { size } = await this.batchAt(row.objectKey, position, rowEnd);
        if (size > window.length)
          window = await this.blocks.read(row.objectKey, position, position + size);
      }
      let p = 0;
      let ended = false;
      while (p + HEADER_PREFIX <= window.length) {
        if (offset >= endOffset) {
          ended = true;
          break;
        }
        const { size, offsets } = parseBatchPrefix(
          window,
          p,
          row.objectKey,
          position + p,
          rowEnd - position - p,
        );
        if (p + size > window.length) break;
        pieces.push(window.subarray(p, p + size));
        baseOffsets.push(offset);
        offset += BigInt(offsets);
        p += size;
      }
      taken += p;
      if (ended || taken >= limit || position + p < rowEnd) break;
    }
    const records = Buffer.concat(pieces);
    let at = 0;
    for (const [n, piece] of pieces.entries()) {
      patchBaseOffset(records, at, baseOffsets[n]!);
      // Every partition is at leader epoch 0 (partitions.leader_epoch); producers send -1.
      patchPartitionLeaderEpoch(records, at, 0);
      at += piece.length;
    }
    return records;
  }

  private async batchAt(
    key: string,
    position: number,
    rowEnd: number,
  ): Promise<{ size: number; offsets: number }> {
    const prefix = await this.blocks.read(key, position, position + HEADER_PREFIX);
    return parseBatchPrefix(prefix, 0, key, position, rowEnd - position);
  }
}

/**
 * Each partition's share of a response's `maxBytes` (each at most its `partitionMaxBytes`), dealt
 * out one index row per partition per round. Partitions written together share objects: their
 * shares then come from the same first objects, read once, instead of the first partitions
 * taking the whole budget from many objects (a read of a whole block for each small section).
 */
export function shareBudget(
  maxBytes: number,
  partitionMaxBytes: readonly number[],
  rows: readonly (readonly { byteLength: number }[])[],
): number[] {
  const limits = partitionMaxBytes.map(() => 0);
  let budget = maxBytes;
  for (let round = 0; budget > 0; round++) {
    let dealt = false;
    for (let n = 0; n < rows.length && budget > 0; n++) {
      const row = rows[n]![round];
      const room = Math.min(partitionMaxBytes[n]! - limits[n]!, budget);
      if (!row || room <= 0) continue;
      const share = Math.min(row.byteLength, room);
      limits[n]! += share;
      budget -= share;
      dealt = true;
    }
    if (!dealt) break;
  }
  return limits;
}

/** Size (including the 12-byte log overhead) and offset count of the batch at `at`. */
function parseBatchPrefix(
  buf: Buffer,
  at: number,
  key: string,
  position: number,
  available: number,
): { size: number; offsets: number } {
  if (buf.length - at < HEADER_PREFIX)
    throw new CorruptObjectError(key, position, "truncated batch header");
  const size = LOG_OVERHEAD + buf.readInt32BE(at + 8);
  const offsets = buf.readInt32BE(at + 23) + 1;
  if (size < HEADER_PREFIX || size > available)
    throw new CorruptObjectError(key, position, `batch size ${size} out of range`);
  if (offsets < 1) throw new CorruptObjectError(key, position, `lastOffsetDelta ${offsets - 1}`);
  return { size, offsets };
}

function emptyResult(
  p: FetchPartitionRequest,
  head: PartitionHead | undefined,
  errorCode: FetchErrorCode | undefined,
): FetchPartitionResult {
  return {
    topicId: p.topicId,
    partition: p.partition,
    highWatermark: head?.highWatermark ?? -1n,
    logStartOffset: head?.logStartOffset ?? -1n,
    lastStableOffset: head?.highWatermark ?? -1n,
    records: Buffer.alloc(0),
    ...(errorCode ? { errorCode } : {}),
  };
}
