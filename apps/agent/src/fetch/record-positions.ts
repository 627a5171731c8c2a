import { records, splitBatches } from "@streambed/protocol";
import type { BlockCache } from "./block-cache.ts";
import type { IndexRow } from "../metadata/metadata-store.ts";

export interface RecordPosition {
  offset: bigint;
  timestamp: bigint;
}

/**
 * Walks the records of one index row (read through the block cache) and returns the first
 * record `pick` accepts, with its absolute offset. Batches that cannot contain it are skipped
 * by their header's max timestamp, so only candidate batches are decompressed.
 */
async function findRecord(
  blocks: BlockCache,
  row: IndexRow,
  batchMayMatch: (maxTimestamp: bigint) => boolean,
  pick: (timestamp: bigint) => boolean,
  minOffset = 0n,
): Promise<RecordPosition | undefined> {
  const bytes = await blocks.read(row.objectKey, row.byteOffset, row.byteOffset + row.byteLength);
  let baseOffset = row.baseOffset;
  for (const batch of splitBatches(bytes).batches) {
    const { header } = batch;
    if (batchMayMatch(header.maxTimestamp)) {
      for await (const record of records(batch)) {
        const timestamp =
          header.timestampType === "log-append-time"
            ? header.maxTimestamp
            : header.firstTimestamp + BigInt(record.timestampDelta);
        const offset = baseOffset + BigInt(record.offsetDelta);
        if (offset >= minOffset && pick(timestamp)) return { offset, timestamp };
      }
    }
    baseOffset += BigInt(header.lastOffsetDelta + 1);
  }
  return undefined;
}

/** The first record of the row at or after `minOffset` whose timestamp is at least `timestamp`. */
export function firstRecordAtOrAfter(
  blocks: BlockCache,
  row: IndexRow,
  timestamp: bigint,
  minOffset: bigint,
): Promise<RecordPosition | undefined> {
  return findRecord(
    blocks,
    row,
    (max) => max >= timestamp,
    (t) => t >= timestamp,
    minOffset,
  );
}

/** The (earliest) record of the row carrying the row's max timestamp. */
export function recordWithMaxTimestamp(
  blocks: BlockCache,
  row: IndexRow,
): Promise<RecordPosition | undefined> {
  return findRecord(
    blocks,
    row,
    (max) => max === row.maxTimestamp,
    (t) => t === row.maxTimestamp,
  );
}
