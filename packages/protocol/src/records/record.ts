import { DecodeError } from "../primitives/decode-error.ts";
import { Reader } from "../primitives/reader.ts";
import type { Writer } from "../primitives/writer.ts";

export interface RecordHeader {
  key: string;
  value: Buffer | null;
}

/** One record of a batch; key, value and header values are views into the (decompressed) records. */
export interface BatchRecord {
  /** Record-level attributes: Kafka defines none yet (always 0 from current clients). */
  attributes: number;
  timestampDelta: number;
  offsetDelta: number;
  key: Buffer | null;
  value: Buffer | null;
  headers: RecordHeader[];
}

// The smallest record: length, attributes, timestamp delta, offset delta, key, value, header count.
const MIN_RECORD_SIZE = 7;

function nullableVarintBytes(reader: Reader): Buffer | null {
  const start = reader.offset;
  const length = reader.varint();
  if (length < -1) throw new DecodeError(`invalid record field length ${length}`, start);
  return length === -1 ? null : reader.raw(length);
}

function readRecord(reader: Reader): BatchRecord {
  const start = reader.offset;
  const length = reader.varint();
  if (length < MIN_RECORD_SIZE - 1 || length > reader.remaining()) {
    throw new DecodeError(`invalid record length ${length}`, start);
  }
  const end = reader.offset + length;
  const attributes = reader.int8();
  const timestampDelta = reader.varlongNumber();
  const offsetDelta = reader.varint();
  const key = nullableVarintBytes(reader);
  const value = nullableVarintBytes(reader);
  const headerCount = reader.varint();
  if (headerCount < 0 || headerCount > end - reader.offset) {
    throw new DecodeError(`invalid record header count ${headerCount}`, reader.offset);
  }
  const headers: RecordHeader[] = new Array(headerCount);
  for (let i = 0; i < headerCount; i++) {
    const keyAt = reader.offset;
    const keyBytes = nullableVarintBytes(reader);
    if (keyBytes === null) throw new DecodeError("record header key is null", keyAt);
    headers[i] = { key: keyBytes.toString("utf8"), value: nullableVarintBytes(reader) };
  }
  if (reader.offset !== end) {
    throw new DecodeError(
      `record declared ${length} bytes but used ${reader.offset - end + length}`,
      start,
    );
  }
  return { attributes, timestampDelta, offsetDelta, key, value, headers };
}

/**
 * Lazily decodes `recordCount` records from the uncompressed records section of a batch.
 * Throws a DecodeError on malformed records or when bytes are left over after the last one.
 */
export function* iterateRecords(
  payload: Buffer,
  recordCount: number,
): Generator<BatchRecord, void, undefined> {
  if (recordCount * MIN_RECORD_SIZE > payload.length) {
    throw new DecodeError(`${recordCount} records cannot fit in ${payload.length} bytes`, 0);
  }
  const reader = new Reader(payload);
  for (let i = 0; i < recordCount; i++) yield readRecord(reader);
  if (reader.remaining() !== 0) {
    throw new DecodeError(`${reader.remaining()} bytes left after the last record`, reader.offset);
  }
}

export interface RecordFields {
  attributes?: number;
  timestampDelta: number;
  offsetDelta: number;
  key: Buffer | null;
  value: Buffer | null;
  headers: readonly RecordHeader[];
}

function writeNullableVarintBytes(writer: Writer, bytes: Buffer | null): void {
  if (bytes === null) {
    writer.varint(-1);
  } else {
    writer.varint(bytes.length);
    writer.raw(bytes);
  }
}

function uvarintSize(value: number): number {
  let size = 1;
  for (let n = value >>> 0; n >= 0x80; n >>>= 7) size++;
  return size;
}

function varintSize(value: number): number {
  return uvarintSize((value << 1) ^ (value >> 31));
}

function varlongNumberSize(value: number): number {
  let size = 1;
  for (let n = value >= 0 ? value * 2 : -value * 2 - 1; n >= 0x80; n = Math.floor(n / 0x80)) size++;
  return size;
}

function nullableBytesSize(bytes: Buffer | null): number {
  return bytes === null ? 1 : varintSize(bytes.length) + bytes.length;
}

/** Appends one record, length-prefixed, to `writer`. */
export function writeRecord(writer: Writer, record: RecordFields): void {
  const headerKeys = record.headers.map((header) => Buffer.from(header.key, "utf8"));
  let bodySize =
    1 +
    varlongNumberSize(record.timestampDelta) +
    varintSize(record.offsetDelta) +
    nullableBytesSize(record.key) +
    nullableBytesSize(record.value) +
    varintSize(record.headers.length);
  for (let i = 0; i < headerKeys.length; i++) {
    bodySize += nullableBytesSize(headerKeys[i]!) + nullableBytesSize(record.headers[i]!.value);
  }
  writer.varint(bodySize);
  writer.int8(record.attributes ?? 0);
  writer.varlongNumber(record.timestampDelta);
  writer.varint(record.offsetDelta);
  writeNullableVarintBytes(writer, record.key);
  writeNullableVarintBytes(writer, record.value);
  writer.varint(headerKeys.length);
  for (let i = 0; i < headerKeys.length; i++) {
    writeNullableVarintBytes(writer, headerKeys[i]!);
    writeNullableVarintBytes(writer, record.headers[i]!.value);
  }
}
