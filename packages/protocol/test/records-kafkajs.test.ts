import { createRequire } from "node:module";
import { compress as zstdCompress } from "@mongodb-js/zstd";
import fc from "fast-check";
import { compressFrame } from "lz4-napi";
import { compressSync as snappyRawCompress } from "snappy";
import { describe, expect, it } from "vitest";
import {
  COMPRESSION_TYPES,
  compressionTypeId,
  type CompressionType,
} from "../src/compression/codec.ts";
import { decompress } from "../src/compression/codecs.ts";
import { verifyBatchCrc } from "../src/records/batch-crc.ts";
import { buildRecordBatch } from "../src/records/build-batch.ts";
import { records } from "../src/records/read-records.ts";
import { splitBatches } from "../src/records/split-batches.ts";

// KafkaJS is plain CommonJS without types for its internals: describe the parts used here.
interface KafkaJsEncoder {
  buffer: Buffer;
}
type KafkaJsHeaders = Record<string, Buffer | Buffer[]>;
interface KafkaJsRecordInput {
  offsetDelta: number;
  timestampDelta: number;
  key: Buffer | null;
  value: Buffer | null;
  headers: KafkaJsHeaders;
}
interface KafkaJsDecodedBatch {
  firstOffset: string;
  producerId: string;
  records: {
    offset: string;
    timestamp: string;
    key: Buffer | null;
    value: Buffer | null;
    headers: KafkaJsHeaders;
  }[];
}
interface KafkaJsCodec {
  compress(encoder: KafkaJsEncoder): Promise<Buffer>;
  decompress(buffer: Buffer): Promise<Buffer>;
}

const require = createRequire(import.meta.url);
const kafkajs = require("kafkajs") as { CompressionCodecs: Record<number, () => KafkaJsCodec> };
const { RecordBatch } = require("kafkajs/src/protocol/recordBatch/v0") as {
  RecordBatch(options: object): Promise<KafkaJsEncoder>;
};
const Record = require("kafkajs/src/protocol/recordBatch/record/v0") as (
  record: KafkaJsRecordInput,
) => KafkaJsEncoder;
const decodeBatch = require("kafkajs/src/protocol/recordBatch/v0/decoder") as (
  decoder: unknown,
) => Promise<KafkaJsDecodedBatch>;
const Decoder = require("kafkajs/src/protocol/decoder") as new (buffer: Buffer) => unknown;

// KafkaJS ships gzip only. Register the others the way kafkajs-snappy/-lz4/-zstd do: the raw
// libraries compress (raw snappy, as librdkafka sends it), our codec modules decompress.
const compressors: Record<"snappy" | "lz4" | "zstd", (data: Buffer) => Promise<Buffer>> = {
  snappy: async (data) => snappyRawCompress(data),
  lz4: (data) => compressFrame(data),
  zstd: (data) => zstdCompress(data, 3),
};
for (const type of ["snappy", "lz4", "zstd"] as const) {
  kafkajs.CompressionCodecs[compressionTypeId(type)] = () => ({
    compress: (encoder) => compressors[type](encoder.buffer),
    decompress: (buffer) => decompress(type, buffer),
  });
}

const bytes = (maxLength: number) => fc.uint8Array({ maxLength }).map((a) => Buffer.from(a));
// Unique, non-numeric header keys: KafkaJS carries headers in an object.
const headersArbitrary = fc.uniqueArray(
  fc.string({ minLength: 1, maxLength: 8 }).map((k) => `h-${k}`),
  { maxLength: 3 },
);
const recordsArbitrary = fc.array(
  fc.record({
    key: fc.option(bytes(30)),
    value: fc.option(bytes(400)),
    headerKeys: headersArbitrary,
    headerValue: bytes(16),
    timestampDelta: fc.integer({ min: 0, max: 10_000 }),
  }),
  { minLength: 1, maxLength: 15 },
);
const firstTimestamp = Date.UTC(2026, 10, 26);

describe.each(COMPRESSION_TYPES)(
  "record batches against KafkaJS (%s)",
  (compression: CompressionType) => {
    it("decodes batches KafkaJS encoded", async () => {
      await fc.assert(
        fc.asyncProperty(
          recordsArbitrary,
          fc.bigInt({ min: 0n, max: 2n ** 40n }),
          async (input, baseOffset) => {
            const encoded = await RecordBatch({
              compression: compressionTypeId(compression),
              firstOffset: baseOffset.toString(),
              firstTimestamp,
              maxTimestamp: firstTimestamp + Math.max(...input.map((r) => r.timestampDelta)),
              lastOffsetDelta: input.length - 1,
              records: input.map((r, i) =>
                Record({
                  offsetDelta: i,
                  timestampDelta: r.timestampDelta,
                  key: r.key,
                  value: r.value,
                  headers: Object.fromEntries(r.headerKeys.map((k) => [k, r.headerValue])),
                }),
              ),
            });
            const { batches, truncatedBytes } = splitBatches(encoded.buffer);
            expect(truncatedBytes).toBe(0);
            const [batch] = batches;
            expect(batch!.header).toMatchObject({
              baseOffset,
              compression,
              recordCount: input.length,
              firstTimestamp: BigInt(firstTimestamp),
            });
            expect(verifyBatchCrc(batch!.bytes)).toBe(true);
            const decoded = [];
            for await (const record of records(batch!)) decoded.push(record);
            expect(decoded).toEqual(
              input.map((r, i) => ({
                attributes: 0,
                offsetDelta: i,
                timestampDelta: r.timestampDelta,
                key: r.key,
                value: r.value,
                headers: r.headerKeys.map((key) => ({ key, value: r.headerValue })),
              })),
            );
          },
        ),
        { numRuns: 15 },
      );
    });

    it("encodes batches KafkaJS decodes", async () => {
      await fc.assert(
        fc.asyncProperty(recordsArbitrary, async (input) => {
          const batch = await buildRecordBatch({
            compression,
            baseOffset: 77n,
            producerId: 5000n,
            records: input.map((r) => ({
              key: r.key,
              value: r.value,
              timestamp: firstTimestamp + r.timestampDelta,
              headers: r.headerKeys.map((key) => ({ key, value: r.headerValue })),
            })),
          });
          const decoded = await decodeBatch(new Decoder(batch));
          expect(decoded.firstOffset).toBe("77");
          expect(decoded.producerId).toBe("5000");
          expect(decoded.records).toEqual(
            input.map((r, i) =>
              expect.objectContaining({
                offset: String(77 + i),
                timestamp: String(firstTimestamp + r.timestampDelta),
                key: r.key,
                value: r.value,
                headers: Object.fromEntries(r.headerKeys.map((k) => [k, r.headerValue])),
              }),
            ),
          );
        }),
        { numRuns: 15 },
      );
    });
  },
);
