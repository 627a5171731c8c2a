import { compress } from "../compression/codecs.ts";
import type { CompressionType } from "../compression/codec.ts";
import { Writer } from "../primitives/writer.ts";
import { writeBatchCrc } from "./batch-crc.ts";
import {
  encodeAttributes,
  LOG_OVERHEAD,
  RECORD_BATCH_HEADER_SIZE,
  writeBatchHeader,
  type TimestampType,
} from "./batch-header.ts";
import { writeRecord, type RecordHeader } from "./record.ts";

export interface RecordInput {
  key?: Buffer | null;
  value: Buffer | null;
  headers?: readonly RecordHeader[];
  /** Milliseconds since the epoch; defaults to the batch's first timestamp. */
  timestamp?: number;
  /** Defaults to the record's index in the batch. */
  offsetDelta?: number;
}

export interface BuildRecordBatchOptions {
  records: readonly RecordInput[];
  compression?: CompressionType;
  /** Defaults to 0: producers send 0 and the log assigns the real offset. */
  baseOffset?: bigint;
  /** Defaults to -1 (no leader epoch), as producers send. */
  partitionLeaderEpoch?: number;
  /** Defaults to -1 (not idempotent). */
  producerId?: bigint;
  producerEpoch?: number;
  baseSequence?: number;
  transactional?: boolean;
  control?: boolean;
  timestampType?: TimestampType;
  /** Defaults to the first record's timestamp, or now; record timestamps are deltas from it. */
  firstTimestamp?: number;
  /** Defaults to the largest record timestamp. */
  maxTimestamp?: number;
  /** Defaults to the last record's offset delta (0 for an empty batch). */
  lastOffsetDelta?: number;
}

// Sizing the writer up front saves regrowing (and copying) it while records are appended.
function estimateRecordsSize(records: readonly RecordInput[]): number {
  let size = 0;
  for (const record of records) {
    size += 24 + (record.key?.length ?? 0) + (record.value?.length ?? 0);
    for (const header of record.headers ?? [])
      size += 10 + header.key.length * 3 + (header.value?.length ?? 0);
  }
  return size;
}

const HEADER_PLACEHOLDER = Buffer.alloc(RECORD_BATCH_HEADER_SIZE);

/** Encodes a magic-2 record batch, compressing its records section with the chosen codec. */
export async function buildRecordBatch(options: BuildRecordBatchOptions): Promise<Buffer> {
  const { records } = options;
  const compression = options.compression ?? "none";
  const firstTimestamp = options.firstTimestamp ?? records[0]?.timestamp ?? Date.now();
  let maxTimestamp = records.length === 0 ? firstTimestamp : Number.MIN_SAFE_INTEGER;
  let lastOffsetDelta = 0;

  // Uncompressed records go straight after a reserved header; compressed ones need a separate pass.
  const writer = new Writer(RECORD_BATCH_HEADER_SIZE + estimateRecordsSize(records));
  if (compression === "none") writer.raw(HEADER_PLACEHOLDER);
  for (let i = 0; i < records.length; i++) {
    const record = records[i]!;
    const timestamp = record.timestamp ?? firstTimestamp;
    if (timestamp > maxTimestamp) maxTimestamp = timestamp;
    lastOffsetDelta = record.offsetDelta ?? i;
    writeRecord(writer, {
      timestampDelta: timestamp - firstTimestamp,
      offsetDelta: lastOffsetDelta,
      key: record.key ?? null,
      value: record.value,
      headers: record.headers ?? [],
    });
  }

  let batch: Buffer;
  if (compression === "none") {
    batch = writer.finish();
  } else {
    const compressed = await compress(compression, writer.finish());
    batch = Buffer.allocUnsafe(RECORD_BATCH_HEADER_SIZE + compressed.length);
    compressed.copy(batch, RECORD_BATCH_HEADER_SIZE);
  }
  writeBatchHeader(batch, 0, {
    baseOffset: options.baseOffset ?? 0n,
    batchLength: batch.length - LOG_OVERHEAD,
    partitionLeaderEpoch: options.partitionLeaderEpoch ?? -1,
    attributes: encodeAttributes({
      compression,
      timestampType: options.timestampType ?? "create-time",
      isTransactional: options.transactional ?? false,
      isControl: options.control ?? false,
    }),
    lastOffsetDelta: options.lastOffsetDelta ?? lastOffsetDelta,
    firstTimestamp: BigInt(firstTimestamp),
    maxTimestamp: BigInt(options.maxTimestamp ?? maxTimestamp),
    producerId: options.producerId ?? -1n,
    producerEpoch: options.producerEpoch ?? -1,
    baseSequence: options.baseSequence ?? -1,
    recordCount: records.length,
  });
  writeBatchCrc(batch, 0);
  return batch;
}
