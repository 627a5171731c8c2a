import { DecodeError } from "../primitives/decode-error.ts";
import {
  BATCH_LENGTH_AT,
  LOG_OVERHEAD,
  parseBatchHeader,
  type RecordBatchHeader,
} from "./batch-header.ts";

export interface RecordBatchView {
  /** Where the batch starts in the buffer it was read from. */
  readonly position: number;
  /** The whole batch, base offset through last record: a view into that buffer, not a copy. */
  readonly bytes: Buffer;
  readonly header: RecordBatchHeader;
}

export interface SplitBatches {
  batches: RecordBatchView[];
  /**
   * Bytes at the end of the blob that do not form a complete batch (0 when none). A Fetch
   * response may end with a partial batch cut at max bytes; Kafka clients drop it silently,
   * while a Produce request carrying one is invalid: the caller decides.
   */
  truncatedBytes: number;
}

/** Size of the batch at `position` according to its length field, or -1 if that field is cut off. */
function batchSizeAt(buf: Buffer, position: number): number {
  if (buf.length - position < LOG_OVERHEAD) return -1;
  const batchLength = buf.readInt32BE(position + BATCH_LENGTH_AT);
  if (batchLength < 0)
    throw new DecodeError(
      `negative record batch length ${batchLength}`,
      position + BATCH_LENGTH_AT,
    );
  return LOG_OVERHEAD + batchLength;
}

/** The single complete batch at `position`; a DecodeError if it is malformed or cut short. */
export function readBatch(buf: Buffer, position = 0): RecordBatchView {
  const size = batchSizeAt(buf, position);
  if (size < 0 || position + size > buf.length)
    throw new DecodeError("record batch is truncated", position);
  return {
    position,
    bytes: buf.subarray(position, position + size),
    header: parseBatchHeader(buf, position),
  };
}

/**
 * Splits a `records` field (a concatenation of magic-2 batches) into batch views.
 * Malformed headers throw a DecodeError; an incomplete final batch is reported, not thrown.
 */
export function splitBatches(records: Buffer): SplitBatches {
  const batches: RecordBatchView[] = [];
  let position = 0;
  while (position < records.length) {
    const size = batchSizeAt(records, position);
    if (size < 0 || position + size > records.length) break;
    batches.push({
      position,
      bytes: records.subarray(position, position + size),
      header: parseBatchHeader(records, position),
    });
    position += size;
  }
  return { batches, truncatedBytes: records.length - position };
}
