import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { COMPRESSION_TYPES, CompressionError } from "../src/compression/codec.ts";
import { snappyDecode, snappyXerialEncode } from "../src/compression/snappy.ts";
import { DecodeError } from "../src/primitives/decode-error.ts";
import { verifyBatchCrc } from "../src/records/batch-crc.ts";
import {
  parseBatchHeader,
  patchBaseOffset,
  patchPartitionLeaderEpoch,
} from "../src/records/batch-header.ts";
import { buildRecordBatch, type RecordInput } from "../src/records/build-batch.ts";
import { records } from "../src/records/read-records.ts";
import { iterateRecords, type BatchRecord } from "../src/records/record.ts";
import { readBatch, splitBatches } from "../src/records/split-batches.ts";
import { compressSync } from "snappy";

const bytes = (maxLength: number) => fc.uint8Array({ maxLength }).map((a) => Buffer.from(a));
const recordArbitrary: fc.Arbitrary<RecordInput> = fc.record({
  key: fc.option(bytes(40)),
  value: fc.option(bytes(300)),
  headers: fc.array(
    fc.record({ key: fc.string({ maxLength: 12, unit: "binary" }), value: fc.option(bytes(20)) }),
    {
      maxLength: 3,
    },
  ),
  timestamp: fc.integer({ min: 0, max: 2 ** 45 }),
});

async function readAll(batch: Buffer): Promise<BatchRecord[]> {
  const out: BatchRecord[] = [];
  for await (const record of records(readBatch(batch))) out.push(record);
  return out;
}

const ago = Date.UTC(2026, 0, 1);

describe("record batches", () => {
  it.each(COMPRESSION_TYPES)("round-trips arbitrary records with %s", async (compression) => {
    await fc.assert(
      fc.asyncProperty(fc.array(recordArbitrary, { maxLength: 20 }), async (input) => {
        const batch = await buildRecordBatch({ records: input, compression });
        const { header } = readBatch(batch);
        expect(header.compression).toBe(compression);
        expect(header.recordCount).toBe(input.length);
        expect(verifyBatchCrc(batch)).toBe(true);
        const decoded = await readAll(batch);
        const first = input[0]?.timestamp ?? Number(header.firstTimestamp);
        expect(decoded).toEqual(
          input.map((record, i) => ({
            attributes: 0,
            offsetDelta: i,
            timestampDelta: record.timestamp! - first,
            key: record.key ?? null,
            value: record.value,
            headers: record.headers,
          })),
        );
        if (input.length > 0) {
          expect(header.maxTimestamp).toBe(BigInt(Math.max(...input.map((r) => r.timestamp!))));
          expect(header.lastOffsetDelta).toBe(input.length - 1);
        }
      }),
      { numRuns: 40 },
    );
  });

  it("carries every header field", async () => {
    const batch = await buildRecordBatch({
      records: [
        { value: Buffer.from("a"), timestamp: ago },
        { value: Buffer.from("b"), timestamp: ago + 5, offsetDelta: 4 },
      ],
      compression: "zstd",
      baseOffset: 1234567890123n,
      partitionLeaderEpoch: 7,
      producerId: 99999999999n,
      producerEpoch: 3,
      baseSequence: 42,
      transactional: true,
      control: true,
      timestampType: "log-append-time",
    });
    expect(parseBatchHeader(batch)).toEqual({
      baseOffset: 1234567890123n,
      batchLength: batch.length - 12,
      partitionLeaderEpoch: 7,
      magic: 2,
      crc: batch.readUInt32BE(17),
      attributes: 4 | 8 | 16 | 32,
      compression: "zstd",
      timestampType: "log-append-time",
      isTransactional: true,
      isControl: true,
      lastOffsetDelta: 4,
      firstTimestamp: BigInt(ago),
      maxTimestamp: BigInt(ago + 5),
      producerId: 99999999999n,
      producerEpoch: 3,
      baseSequence: 42,
      recordCount: 2,
    });
  });

  it("detects corruption of any byte the CRC covers, and patches outside it keep the CRC valid", async () => {
    const batch = await buildRecordBatch({
      records: [{ key: Buffer.from("k"), value: Buffer.from("value") }],
    });
    for (let at = 21; at < batch.length; at++) {
      const corrupt = Buffer.from(batch);
      corrupt[at]! ^= 0x01;
      expect(verifyBatchCrc(corrupt)).toBe(false);
    }
    const blob = Buffer.concat([batch, batch]);
    patchBaseOffset(blob, batch.length, 500n);
    patchPartitionLeaderEpoch(blob, batch.length, 9);
    const [, second] = splitBatches(blob).batches;
    expect(second!.header.baseOffset).toBe(500n);
    expect(second!.header.partitionLeaderEpoch).toBe(9);
    expect(verifyBatchCrc(blob, batch.length)).toBe(true);
    expect(verifyBatchCrc(second!.bytes)).toBe(true);
  });

  it("splits a blob into zero-copy views and reports a truncated final batch", async () => {
    const one = await buildRecordBatch({
      records: [{ value: Buffer.from("first") }],
      baseOffset: 0n,
    });
    const two = await buildRecordBatch({
      records: [{ value: Buffer.from("second") }],
      baseOffset: 1n,
      compression: "lz4",
    });
    const whole = Buffer.concat([one, two]);
    for (let cut = 0; cut < two.length; cut++) {
      const blob = Buffer.concat([one, two.subarray(0, cut)]);
      const { batches, truncatedBytes } = splitBatches(blob);
      expect(batches.map((b) => b.position)).toEqual([0]);
      expect(truncatedBytes).toBe(cut);
    }
    const { batches, truncatedBytes } = splitBatches(whole);
    expect(truncatedBytes).toBe(0);
    expect(batches.map((b) => b.header.baseOffset)).toEqual([0n, 1n]);
    expect(batches[1]!.bytes.buffer).toBe(whole.buffer);
    expect(batches[1]!.bytes.byteOffset).toBe(whole.byteOffset + one.length);
    expect(splitBatches(Buffer.alloc(0))).toEqual({ batches: [], truncatedBytes: 0 });
    expect(() => readBatch(whole.subarray(0, one.length - 1))).toThrow(DecodeError);
  });

  it("rejects malformed headers with DecodeError", async () => {
    const batch = await buildRecordBatch({ records: [{ value: Buffer.from("x") }] });
    const withMagic = Buffer.from(batch);
    withMagic[16] = 1;
    expect(() => splitBatches(withMagic)).toThrow(/magic 1/);
    const negativeLength = Buffer.from(batch);
    negativeLength.writeInt32BE(-5, 8);
    expect(() => splitBatches(negativeLength)).toThrow(DecodeError);
    const tinyLength = Buffer.from(batch);
    tinyLength.writeInt32BE(10, 8);
    expect(() => splitBatches(tinyLength)).toThrow(DecodeError);
    const badCodec = Buffer.from(batch);
    badCodec.writeInt16BE(6, 21);
    expect(() => parseBatchHeader(badCodec)).toThrow(/codec id 6/);
    const negativeCount = Buffer.from(batch);
    negativeCount.writeInt32BE(-1, 57);
    expect(() => parseBatchHeader(negativeCount)).toThrow(DecodeError);
  });

  it("rejects malformed records with DecodeError and bad compressed data with CompressionError", async () => {
    const batch = await buildRecordBatch({ records: [{ key: null, value: Buffer.from("hello") }] });
    const moreRecords = Buffer.from(batch);
    moreRecords.writeInt32BE(2, 57);
    await expect(readAll(moreRecords)).rejects.toThrow(DecodeError);
    const payload = batch.subarray(61);
    expect(() => [...iterateRecords(Buffer.concat([payload, Buffer.from([0])]), 1)]).toThrow(
      /left after/,
    );
    expect(() => [...iterateRecords(payload.subarray(0, payload.length - 1), 1)]).toThrow(
      DecodeError,
    );
    const compressed = await buildRecordBatch({
      records: [{ value: Buffer.from("hello") }],
      compression: "gzip",
    });
    const garbled = Buffer.from(compressed);
    garbled.fill(0x55, 70);
    await expect(readAll(garbled)).rejects.toThrow(CompressionError);
    await fc.assert(
      fc.asyncProperty(bytes(80), fc.integer({ min: 0, max: 5 }), async (garbage, count) => {
        try {
          Array.from(iterateRecords(garbage, count));
        } catch (error) {
          expect(error).toBeInstanceOf(DecodeError);
        }
      }),
    );
  });

  it("throws only DecodeError or CompressionError on mutated batches", async () => {
    const originals = await Promise.all(
      COMPRESSION_TYPES.map((compression) =>
        buildRecordBatch({
          compression,
          records: [
            {
              key: Buffer.from("key"),
              value: Buffer.from("value ".repeat(20)),
              headers: [{ key: "h", value: null }],
            },
            { key: null, value: null },
          ],
        }),
      ),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...originals),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), {
          minLength: 1,
          maxLength: 4,
        }),
        fc.nat(),
        async (original, mutations, cut) => {
          const mutated = Buffer.from(original);
          for (const [at, value] of mutations) mutated[at % mutated.length] = value;
          const blob = mutated.subarray(0, mutated.length - (cut % 8));
          try {
            for (const batch of splitBatches(blob).batches) {
              verifyBatchCrc(batch.bytes);
              for await (const record of records(batch)) expect(record).toBeDefined();
            }
          } catch (error) {
            expect([DecodeError, CompressionError]).toContain((error as Error).constructor);
          }
        },
      ),
      { numRuns: 500 },
    );
  });

  it("decodes raw snappy as well as xerial-framed snappy", () => {
    const data = Buffer.from("streambed ".repeat(10_000));
    expect(snappyDecode(compressSync(data))).toEqual(data);
    const framed = snappyXerialEncode(data);
    expect(framed.subarray(0, 8)).toEqual(
      Buffer.from([0x82, 0x53, 0x4e, 0x41, 0x50, 0x50, 0x59, 0x00]),
    );
    expect(snappyDecode(framed)).toEqual(data);
    expect(() => snappyDecode(framed.subarray(0, framed.length - 3))).toThrow(CompressionError);
  });
});
