import {
  DecodeError,
  RECORD_BATCH_HEADER_SIZE,
  compressionTypeId,
  splitBatches,
  uncompressedLengthBound,
  verifyBatchCrc,
} from "@streambed/protocol";
import type { ProducerBatchInfo } from "../metadata/metadata-store.ts";
import { ProduceValidationError } from "./produce-errors.ts";

const MAGIC_AT = 16;
/** Default of the agent's --max-uncompressed-batch-bytes. */
export const DEFAULT_MAX_UNCOMPRESSED_BATCH_BYTES = 64 * 1024 * 1024;

export interface ValidatedRecords {
  /** Offsets the batches take: sum of lastOffsetDelta + 1. */
  recordCount: number;
  maxTimestamp: bigint;
  /** The smallest of the batches' first timestamps. */
  firstTimestamp: bigint;
  batchCount: number;
  /** Set for an idempotent producer's batch (producerId >= 0). */
  producer?: ProducerBatchInfo;
}

/**
 * Checks a partition's `records` from a Produce request before it is buffered: whole magic-2
 * batches (UNSUPPORTED_VERSION otherwise), intact CRCs (CORRUPT_MESSAGE), each within
 * `maxMessageBytes` (MESSAGE_TOO_LARGE), consistent counts and no control batches
 * (INVALID_RECORD), and compressed ones whose framing says they inflate to more than
 * `maxUncompressedBytes` refused unopened (RECORD_LIST_TOO_LARGE: a decompression bomb). Throws
 * ProduceValidationError; the batches themselves are not changed.
 */
export function validateRecordBatches(
  records: Buffer,
  maxMessageBytes: number,
  maxUncompressedBytes = DEFAULT_MAX_UNCOMPRESSED_BATCH_BYTES,
): ValidatedRecords {
  if (records.length > MAGIC_AT && records.readInt8(MAGIC_AT) !== 2) {
    throw new ProduceValidationError(
      "UNSUPPORTED_VERSION",
      `record batch magic ${records.readInt8(MAGIC_AT)} is not supported`,
    );
  }
  let split;
  try {
    split = splitBatches(records);
  } catch (error) {
    if (error instanceof DecodeError) {
      if (/magic/.test(error.message))
        throw new ProduceValidationError("UNSUPPORTED_VERSION", error.message);
      throw new ProduceValidationError("CORRUPT_MESSAGE", error.message);
    }
    throw error;
  }
  const { batches, truncatedBytes } = split;
  if (truncatedBytes > 0)
    throw new ProduceValidationError(
      "CORRUPT_MESSAGE",
      `${truncatedBytes} trailing bytes are not a whole batch`,
    );
  if (batches.length === 0)
    throw new ProduceValidationError("CORRUPT_MESSAGE", "no record batches");

  let recordCount = 0;
  let maxTimestamp = -1n;
  let firstTimestamp = BigInt(Number.MAX_SAFE_INTEGER);
  for (const { bytes, header } of batches) {
    if (bytes.length > maxMessageBytes) {
      throw new ProduceValidationError(
        "MESSAGE_TOO_LARGE",
        `record batch of ${bytes.length} bytes exceeds max.message.bytes ${maxMessageBytes}`,
      );
    }
    if (!verifyBatchCrc(bytes))
      throw new ProduceValidationError("CORRUPT_MESSAGE", "record batch CRC mismatch");
    if (header.compression !== "none") {
      const bound = uncompressedLengthBound(
        compressionTypeId(header.compression),
        bytes,
        RECORD_BATCH_HEADER_SIZE,
        bytes.length,
      );
      if (bound !== null && bound > maxUncompressedBytes)
        throw new ProduceValidationError(
          "RECORD_LIST_TOO_LARGE",
          `${header.compression} record batch decompresses to ${bound} bytes, more than the agent's limit of ${maxUncompressedBytes}`,
        );
    }
    if (header.isControl)
      throw new ProduceValidationError("INVALID_RECORD", "producers may not write control batches");
    if (header.recordCount === 0 || header.lastOffsetDelta !== header.recordCount - 1) {
      throw new ProduceValidationError(
        "INVALID_RECORD",
        `record batch has ${header.recordCount} records but lastOffsetDelta ${header.lastOffsetDelta}`,
      );
    }
    recordCount += header.recordCount;
    if (header.maxTimestamp > maxTimestamp) maxTimestamp = header.maxTimestamp;
    if (header.firstTimestamp < firstTimestamp) firstTimestamp = header.firstTimestamp;
  }

  const first = batches[0]!.header;
  if (first.producerId < 0n)
    return { recordCount, maxTimestamp, firstTimestamp, batchCount: batches.length };
  // Idempotent producers send exactly one batch per partition (as Kafka requires).
  if (batches.length !== 1)
    throw new ProduceValidationError(
      "INVALID_RECORD",
      "idempotent produce must carry exactly one batch per partition",
    );
  return {
    recordCount,
    maxTimestamp,
    firstTimestamp,
    batchCount: 1,
    producer: {
      producerId: first.producerId,
      producerEpoch: first.producerEpoch,
      baseSequence: first.baseSequence,
      lastSequence: addSequence(first.baseSequence, first.lastOffsetDelta),
      ...(first.isTransactional ? { transactional: true } : {}),
    },
  };
}

/** Sequence arithmetic wraps from int32 max to 0, as in Kafka. */
function addSequence(sequence: number, increment: number): number {
  const max = 0x7fffffff;
  return sequence > max - increment ? increment - (max - sequence) - 1 : sequence + increment;
}
