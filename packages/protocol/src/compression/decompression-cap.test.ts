import { describe, expect, it } from "vitest";
import { compress, decompress } from "./codecs.ts";
import { CompressionError, UncompressedSizeError, type CompressionType } from "./codec.ts";
import { uncompressedLengthBound } from "./declared-length.ts";

const MiB = 1024 * 1024;

/**
 * A zstd frame without a content size made of RLE blocks of 128 KiB each (4 bytes per block):
 * what a streaming compressor writes for a run of one byte, and the worst ratio zstd allows.
 */
function zstdRleFrame(blocks: number): Buffer {
  const parts = [Buffer.from([0x28, 0xb5, 0x2f, 0xfd, 0x00, 0x38])]; // no FCS, window 128 KiB
  for (let i = 0; i < blocks; i++) {
    const header = ((128 * 1024) << 3) | (1 << 1) | (i === blocks - 1 ? 1 : 0);
    const block = Buffer.alloc(4);
    block.writeUIntLE(header, 0, 3);
    block[3] = 0x41;
    parts.push(block);
  }
  return Buffer.concat(parts);
}

describe("decompress with a size cap", () => {
  it.each<CompressionType>(["gzip", "snappy", "lz4", "zstd"])(
    "refuses a %s bomb and inflates what fits",
    async (type) => {
      const bomb = await compress(type, Buffer.alloc(16 * MiB));
      await expect(decompress(type, bomb, 4 * MiB)).rejects.toBeInstanceOf(UncompressedSizeError);
      await expect(decompress(type, bomb, 4 * MiB)).rejects.toMatchObject({ errorCode: 18 });
      expect((await decompress(type, bomb, 16 * MiB)).length).toBe(16 * MiB);
    },
  );

  it("bounds a zstd frame without a content size by its blocks, and refuses it unopened", async () => {
    const small = zstdRleFrame(4);
    expect(uncompressedLengthBound(4, small, 0, small.length)).toBe(512 * 1024);
    expect(await decompress("zstd", small, MiB)).toEqual(Buffer.alloc(512 * 1024, 0x41));

    // 4 KiB that would inflate to 128 MiB.
    const bomb = zstdRleFrame(1024);
    expect(bomb.length).toBeLessThan(5000);
    expect(uncompressedLengthBound(4, bomb, 0, bomb.length)).toBe(128 * MiB);
    await expect(decompress("zstd", bomb, 64 * MiB)).rejects.toBeInstanceOf(UncompressedSizeError);
  });

  it("refuses framing it cannot read instead of inflating it blind", async () => {
    const truncated = zstdRleFrame(4).subarray(0, 12);
    await expect(decompress("zstd", truncated, MiB)).rejects.toBeInstanceOf(CompressionError);
    await expect(decompress("zstd", truncated, MiB)).rejects.toMatchObject({ errorCode: 2 });
  });
});
