import {
  compressionTypeFromId,
  compressionTypeId,
  type CompressionType,
} from "../compression/codec.ts";
import { DecodeError } from "../primitives/decode-error.ts";

// Byte offsets of the magic-2 record batch header fields, from the start of the batch.
export const BASE_OFFSET_AT = 0;
export const BATCH_LENGTH_AT = 8;
export const PARTITION_LEADER_EPOCH_AT = 12;
export const MAGIC_AT = 16;
export const CRC_AT = 17;
export const ATTRIBUTES_AT = 21;
const LAST_OFFSET_DELTA_AT = 23;
const FIRST_TIMESTAMP_AT = 27;
const MAX_TIMESTAMP_AT = 35;
const PRODUCER_ID_AT = 43;
const PRODUCER_EPOCH_AT = 51;
const BASE_SEQUENCE_AT = 53;
const RECORD_COUNT_AT = 57;

/** Bytes before the records: the whole header, base offset through record count. */
export const RECORD_BATCH_HEADER_SIZE = 61;
/** Bytes before `batchLength` starts counting (base offset + the length itself). */
export const LOG_OVERHEAD = 12;
export const CURRENT_MAGIC = 2;

const COMPRESSION_MASK = 0x07;
const TIMESTAMP_TYPE_FLAG = 0x08;
const TRANSACTIONAL_FLAG = 0x10;
const CONTROL_FLAG = 0x20;

export type TimestampType = "create-time" | "log-append-time";

export interface BatchAttributes {
  compression: CompressionType;
  timestampType: TimestampType;
  isTransactional: boolean;
  isControl: boolean;
}

export interface RecordBatchHeader extends BatchAttributes {
  baseOffset: bigint;
  /** Bytes after the length field: the batch is LOG_OVERHEAD + batchLength bytes long. */
  batchLength: number;
  partitionLeaderEpoch: number;
  magic: number;
  /** CRC32C as stored (unsigned). */
  crc: number;
  /** The raw int16 attributes; the decoded flags are alongside. */
  attributes: number;
  lastOffsetDelta: number;
  firstTimestamp: bigint;
  maxTimestamp: bigint;
  producerId: bigint;
  producerEpoch: number;
  baseSequence: number;
  recordCount: number;
}

export function encodeAttributes(attributes: BatchAttributes): number {
  return (
    compressionTypeId(attributes.compression) |
    (attributes.timestampType === "log-append-time" ? TIMESTAMP_TYPE_FLAG : 0) |
    (attributes.isTransactional ? TRANSACTIONAL_FLAG : 0) |
    (attributes.isControl ? CONTROL_FLAG : 0)
  );
}

/**
 * Reads the header of the magic-2 batch starting at `offset`, without looking at its records.
 * Throws a DecodeError when the header is cut short, the magic is not 2, the length is smaller
 * than a header, or the compression codec id is unknown.
 */
export function parseBatchHeader(buf: Buffer, offset = 0): RecordBatchHeader {
  if (offset < 0 || offset + RECORD_BATCH_HEADER_SIZE > buf.length) {
    throw new DecodeError("record batch header is truncated", offset);
  }
  const magic = buf.readInt8(offset + MAGIC_AT);
  if (magic !== CURRENT_MAGIC) {
    throw new DecodeError(`unsupported record batch magic ${magic}`, offset + MAGIC_AT);
  }
  const batchLength = buf.readInt32BE(offset + BATCH_LENGTH_AT);
  if (batchLength < RECORD_BATCH_HEADER_SIZE - LOG_OVERHEAD) {
    throw new DecodeError(
      `record batch length ${batchLength} is smaller than its header`,
      offset + BATCH_LENGTH_AT,
    );
  }
  const attributes = buf.readInt16BE(offset + ATTRIBUTES_AT);
  const codecId = attributes & COMPRESSION_MASK;
  if (codecId > 4) {
    throw new DecodeError(`unknown compression codec id ${codecId}`, offset + ATTRIBUTES_AT);
  }
  const recordCount = buf.readInt32BE(offset + RECORD_COUNT_AT);
  if (recordCount < 0) {
    throw new DecodeError(`negative record count ${recordCount}`, offset + RECORD_COUNT_AT);
  }
  return {
    baseOffset: buf.readBigInt64BE(offset + BASE_OFFSET_AT),
    batchLength,
    partitionLeaderEpoch: buf.readInt32BE(offset + PARTITION_LEADER_EPOCH_AT),
    magic,
    crc: buf.readUInt32BE(offset + CRC_AT),
    attributes,
    compression: compressionTypeFromId(codecId),
    timestampType: attributes & TIMESTAMP_TYPE_FLAG ? "log-append-time" : "create-time",
    isTransactional: (attributes & TRANSACTIONAL_FLAG) !== 0,
    isControl: (attributes & CONTROL_FLAG) !== 0,
    lastOffsetDelta: buf.readInt32BE(offset + LAST_OFFSET_DELTA_AT),
    firstTimestamp: buf.readBigInt64BE(offset + FIRST_TIMESTAMP_AT),
    maxTimestamp: buf.readBigInt64BE(offset + MAX_TIMESTAMP_AT),
    producerId: buf.readBigInt64BE(offset + PRODUCER_ID_AT),
    producerEpoch: buf.readInt16BE(offset + PRODUCER_EPOCH_AT),
    baseSequence: buf.readInt32BE(offset + BASE_SEQUENCE_AT),
    recordCount,
  };
}

export type WritableBatchHeader = Omit<RecordBatchHeader, "crc" | "magic" | keyof BatchAttributes>;

/** Writes every header field except the CRC, which covers the records written after it. */
export function writeBatchHeader(buf: Buffer, offset: number, header: WritableBatchHeader): void {
  buf.writeBigInt64BE(header.baseOffset, offset + BASE_OFFSET_AT);
  buf.writeInt32BE(header.batchLength, offset + BATCH_LENGTH_AT);
  buf.writeInt32BE(header.partitionLeaderEpoch, offset + PARTITION_LEADER_EPOCH_AT);
  buf.writeInt8(CURRENT_MAGIC, offset + MAGIC_AT);
  buf.writeInt16BE(header.attributes, offset + ATTRIBUTES_AT);
  buf.writeInt32BE(header.lastOffsetDelta, offset + LAST_OFFSET_DELTA_AT);
  buf.writeBigInt64BE(header.firstTimestamp, offset + FIRST_TIMESTAMP_AT);
  buf.writeBigInt64BE(header.maxTimestamp, offset + MAX_TIMESTAMP_AT);
  buf.writeBigInt64BE(header.producerId, offset + PRODUCER_ID_AT);
  buf.writeInt16BE(header.producerEpoch, offset + PRODUCER_EPOCH_AT);
  buf.writeInt32BE(header.baseSequence, offset + BASE_SEQUENCE_AT);
  buf.writeInt32BE(header.recordCount, offset + RECORD_COUNT_AT);
}

/** Sets the base offset of the batch at `batchOffset` in place; it sits outside the CRC. */
export function patchBaseOffset(buf: Buffer, batchOffset: number, baseOffset: bigint): void {
  buf.writeBigInt64BE(baseOffset, batchOffset + BASE_OFFSET_AT);
}

/** Sets the partition leader epoch of the batch at `batchOffset` in place; it sits outside the CRC. */
export function patchPartitionLeaderEpoch(buf: Buffer, batchOffset: number, epoch: number): void {
  buf.writeInt32BE(epoch, batchOffset + PARTITION_LEADER_EPOCH_AT);
}
