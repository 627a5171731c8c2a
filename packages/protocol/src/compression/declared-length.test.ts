import { randomBytes } from "node:crypto";
import { gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { compress } from "./codecs.ts";
import { compressionTypeId, type CompressionType } from "./codec.ts";
import { declaredUncompressedLength } from "./declared-length.ts";

const data = Buffer.from("usage metering counts uncompressed bytes. ".repeat(5000));

function declared(type: CompressionType, payload: Buffer): number | null {
  // Inside a larger buffer, as in a produce request.
  const padded = Buffer.concat([Buffer.alloc(7), payload, Buffer.alloc(5)]);
  return declaredUncompressedLength(compressionTypeId(type), padded, 7, 7 + payload.length);
}

describe("declaredUncompressedLength", () => {
  it.each<CompressionType>(["gzip", "snappy"])(
    "reads the uncompressed length %s payloads declare",
    async (type) => {
      expect(declared(type, await compress(type, data))).toBe(data.length);
    },
  );

  it("reads raw snappy (librdkafka) as well as xerial framing", async () => {
    const { compressSync } = await import("snappy");
    expect(declared("snappy", compressSync(data))).toBe(data.length);
  });

  it("reads lz4 frames' length from their block sequences", async () => {
    for (const input of [data, Buffer.alloc(0), randomBytes(100_000), Buffer.alloc(300_000, 7)])
      expect(declared("lz4", await compress("lz4", input))).toBe(input.length);
  });

  it("reads a zstd frame's content size, whichever field width it uses", () => {
    const magic = [0x28, 0xb5, 0x2f, 0xfd];
    // Single segment, 1-byte size.
    expect(declared("zstd", Buffer.from([...magic, 0x20, 42, 0, 0, 0]))).toBe(42);
    // Window descriptor, 4-byte size.
    const fourBytes = Buffer.from([...magic, 0x80, 0x58, 0, 0, 0, 0, 0]);
    fourBytes.writeUInt32LE(210_000, 6);
    expect(declared("zstd", fourBytes)).toBe(210_000);
    // Without a content size (streaming compressors): unknown.
    expect(declared("zstd", Buffer.from([...magic, 0x00, 0x58, 0, 0, 0]))).toBeNull();
  });

  it("answers null for what it cannot read", () => {
    expect(declared("gzip", Buffer.from("not gzip at all, no magic"))).toBeNull();
    expect(declared("zstd", Buffer.alloc(3))).toBeNull();
    expect(declared("none", gzipSync(data))).toBeNull();
  });
});
