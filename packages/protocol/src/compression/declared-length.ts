import { COMPRESSION_TYPES } from "./codec.ts";

/**
 * The uncompressed length a compressed payload declares in its own framing, read without
 * decompressing it; null when its format does not say (the caller then has to decompress).
 * `data[start, end)` is the payload (no view is allocated: meant for hot paths).
 *
 * - gzip: ISIZE, the last 4 bytes of the member (Kafka producers write one member).
 * - snappy: the varint length at the start of each raw block (one block, or xerial framing).
 * - lz4: the frame's content size when its header carries one, else the sum of its blocks'
 *   lengths, read from their sequence tokens (literal and match lengths) without decoding.
 * - zstd: the frame's content size, when its header carries one (one frame per batch).
 */
export function declaredUncompressedLength(
  codecId: number,
  data: Buffer,
  start: number,
  end: number,
): number | null {
  switch (COMPRESSION_TYPES[codecId]) {
    case "gzip":
      return gzipLength(data, start, end);
    case "snappy":
      return snappyLength(data, start, end);
    case "lz4":
      return lz4Length(data, start, end);
    case "zstd":
      return zstdLength(data, start, end);
    default:
      return null;
  }
}

/**
 * The most a compressed payload can decompress to, read from its framing without decompressing:
 * the declared length, or for zstd frames without a content size the sum of their blocks' limits
 * (a raw or RLE block states its size, a compressed one regenerates at most 128 KiB). Null when
 * the framing cannot be read. gzip's ISIZE is only a claim (mod 2^32): decompression enforces it.
 */
export function uncompressedLengthBound(
  codecId: number,
  data: Buffer,
  start: number,
  end: number,
): number | null {
  if (COMPRESSION_TYPES[codecId] === "zstd") return zstdBound(data, start, end);
  return declaredUncompressedLength(codecId, data, start, end);
}

function gzipLength(data: Buffer, start: number, end: number): number | null {
  if (end - start < 18 || data[start] !== 0x1f || data[start + 1] !== 0x8b) return null;
  return data.readUInt32LE(end - 4);
}

/** The varint at the start of a raw snappy block: its uncompressed length. */
function snappyBlockLength(data: Buffer, at: number, end: number): number | null {
  let length = 0;
  for (let shift = 0, i = at; i < end && shift <= 28; shift += 7, i++) {
    const byte = data[i]!;
    length += (byte & 0x7f) * 2 ** shift;
    if ((byte & 0x80) === 0) return length;
  }
  return null;
}

const XERIAL_MAGIC = [0x82, 0x53, 0x4e, 0x41, 0x50, 0x50, 0x59, 0x00];
const XERIAL_HEADER_SIZE = 16;

function snappyLength(data: Buffer, start: number, end: number): number | null {
  const xerial =
    end - start >= XERIAL_HEADER_SIZE && XERIAL_MAGIC.every((b, i) => data[start + i] === b);
  if (!xerial) return snappyBlockLength(data, start, end);
  let total = 0;
  for (let at = start + XERIAL_HEADER_SIZE; at < end;) {
    if (at + 4 > end) return null;
    const blockSize = data.readInt32BE(at);
    if (blockSize < 0 || at + 4 + blockSize > end) return null;
    const length = snappyBlockLength(data, at + 4, at + 4 + blockSize);
    if (length === null) return null;
    total += length;
    at += 4 + blockSize;
  }
  return total;
}

const LZ4_MAGIC = 0x184d2204;
const LZ4_CONTENT_SIZE_FLAG = 0x08;

const LZ4_BLOCK_CHECKSUM_FLAG = 0x10;
const LZ4_DICTIONARY_ID_FLAG = 0x01;
const LZ4_UNCOMPRESSED_BLOCK = 0x80000000;

function lz4Length(data: Buffer, start: number, end: number): number | null {
  if (end - start < 7 || data.readUInt32LE(start) !== LZ4_MAGIC) return null;
  const flags = data[start + 4]!;
  if (flags & LZ4_CONTENT_SIZE_FLAG)
    return end - start < 15 ? null : Number(data.readBigUInt64LE(start + 6));
  const checksumBytes = flags & LZ4_BLOCK_CHECKSUM_FLAG ? 4 : 0;
  let at = start + 6 + (flags & LZ4_DICTIONARY_ID_FLAG ? 4 : 0) + 1;
  let total = 0;
  for (;;) {
    if (at + 4 > end) return null;
    const header = data.readUInt32LE(at);
    at += 4;
    if (header === 0) return total;
    const size = header & ~LZ4_UNCOMPRESSED_BLOCK;
    if (at + size > end) return null;
    const length = header & LZ4_UNCOMPRESSED_BLOCK ? size : lz4BlockLength(data, at, at + size);
    if (length === null) return null;
    total += length;
    at += size + checksumBytes;
  }
}

/** Decoded length of one LZ4 block: its sequences' literal and match lengths, nothing copied. */
function lz4BlockLength(data: Buffer, start: number, end: number): number | null {
  let length = 0;
  let at = start;
  while (at < end) {
    const token = data[at++]!;
    let literals = token >> 4;
    if (literals === 15)
      for (let byte = 255; byte === 255 && at < end; literals += byte) byte = data[at++]!;
    at += literals;
    length += literals;
    // The last sequence ends with its literals.
    if (at >= end) return at === end ? length : null;
    at += 2; // match offset
    let match = token & 0x0f;
    if (match === 15)
      for (let byte = 255; byte === 255 && at < end; match += byte) byte = data[at++]!;
    length += match + 4;
  }
  return null;
}

const ZSTD_MAGIC = 0xfd2fb528;

function zstdLength(data: Buffer, start: number, end: number): number | null {
  if (end - start < 6 || data.readUInt32LE(start) !== ZSTD_MAGIC) return null;
  const descriptor = data[start + 4]!;
  const fcsFlag = descriptor >> 6;
  const singleSegment = (descriptor >> 5) & 1;
  const dictionaryIdBytes = [0, 1, 2, 4][descriptor & 0x03]!;
  const fcsBytes = [singleSegment ? 1 : 0, 2, 4, 8][fcsFlag]!;
  if (fcsBytes === 0) return null;
  const at = start + 5 + (singleSegment ? 0 : 1) + dictionaryIdBytes;
  if (at + fcsBytes > end) return null;
  switch (fcsBytes) {
    case 1:
      return data[at]!;
    case 2:
      return data.readUInt16LE(at) + 256;
    case 4:
      return data.readUInt32LE(at);
    default:
      return Number(data.readBigUInt64LE(at));
  }
}

const ZSTD_SKIPPABLE_MASK = 0xfffffff0;
const ZSTD_SKIPPABLE_MAGIC = 0x184d2a50;
const ZSTD_MAX_BLOCK = 128 * 1024;

/** Sum over the payload's frames of their content size, or of their blocks' limits. */
function zstdBound(data: Buffer, start: number, end: number): number | null {
  let total = 0;
  for (let at = start; at < end;) {
    if (at + 8 <= end && (data.readUInt32LE(at) & ZSTD_SKIPPABLE_MASK) === ZSTD_SKIPPABLE_MAGIC) {
      at += 8 + data.readUInt32LE(at + 4);
      continue;
    }
    if (at + 6 > end || data.readUInt32LE(at) !== ZSTD_MAGIC) return null;
    const descriptor = data[at + 4]!;
    const singleSegment = (descriptor >> 5) & 1;
    const fcsBytes = [singleSegment ? 1 : 0, 2, 4, 8][descriptor >> 6]!;
    const headerSize = 5 + (singleSegment ? 0 : 1) + [0, 1, 2, 4][descriptor & 0x03]! + fcsBytes;
    const declared = zstdLength(data, at, end);
    let blocks = 0;
    let last = false;
    for (at += headerSize; !last;) {
      if (at + 3 > end) return null;
      const header = data.readUIntLE(at, 3);
      last = (header & 1) === 1;
      const type = (header >> 1) & 0x03;
      const size = header >> 3;
      if (type === 3) return null;
      blocks += type === 2 ? ZSTD_MAX_BLOCK : size;
      at += 3 + (type === 1 ? 1 : size);
    }
    if (descriptor & 0x04) at += 4; // content checksum
    if (at > end) return null;
    total += declared ?? blocks;
  }
  return total;
}
