import { compressSync, uncompressSync } from "snappy";
import { CompressionError, CORRUPT_MESSAGE, type CompressionCodec } from "./codec.ts";

// Kafka's Java client writes snappy through snappy-java's SnappyOutputStream ("xerial" framing):
// a 16-byte header, then blocks of int32 length + raw snappy. librdkafka and others send raw
// snappy. Decoding accepts both; encoding writes xerial framing, which every client reads.
const XERIAL_MAGIC = Buffer.from([0x82, 0x53, 0x4e, 0x41, 0x50, 0x50, 0x59, 0x00]);
const XERIAL_HEADER = Buffer.concat([XERIAL_MAGIC, Buffer.from([0, 0, 0, 1, 0, 0, 0, 1])]);
// snappy-java's default block size.
const XERIAL_BLOCK_SIZE = 32 * 1024;

function isXerial(data: Buffer): boolean {
  return (
    data.length >= XERIAL_HEADER.length &&
    data.subarray(0, XERIAL_MAGIC.length).equals(XERIAL_MAGIC)
  );
}

function uncompressBlock(block: Buffer): Buffer {
  try {
    return uncompressSync(block, { asBuffer: true }) as Buffer;
  } catch (cause) {
    throw new CompressionError("invalid snappy data", CORRUPT_MESSAGE, { cause });
  }
}

export function snappyXerialEncode(data: Buffer): Buffer {
  const parts: Buffer[] = [XERIAL_HEADER];
  for (let start = 0; start < data.length; start += XERIAL_BLOCK_SIZE) {
    const block = compressSync(data.subarray(start, start + XERIAL_BLOCK_SIZE));
    const length = Buffer.allocUnsafe(4);
    length.writeInt32BE(block.length);
    parts.push(length, block);
  }
  return Buffer.concat(parts);
}

export function snappyDecode(data: Buffer): Buffer {
  if (!isXerial(data)) return uncompressBlock(data);
  const blocks: Buffer[] = [];
  let position = XERIAL_HEADER.length;
  while (position < data.length) {
    if (position + 4 > data.length)
      throw new CompressionError("truncated xerial snappy block length", CORRUPT_MESSAGE);
    const length = data.readInt32BE(position);
    position += 4;
    if (length < 0 || position + length > data.length) {
      throw new CompressionError("truncated xerial snappy block", CORRUPT_MESSAGE);
    }
    blocks.push(uncompressBlock(data.subarray(position, position + length)));
    position += length;
  }
  return blocks.length === 1 ? blocks[0]! : Buffer.concat(blocks);
}

export const snappy: CompressionCodec = {
  type: "snappy",
  compress: async (data) => snappyXerialEncode(data),
  decompress: async (data) => snappyDecode(data),
};
