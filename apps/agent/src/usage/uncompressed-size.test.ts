import { buildRecordBatch, type CompressionType } from "@streambed/protocol";
import { describe, expect, it } from "vitest";
import { WriteBytesCounter } from "./uncompressed-size.ts";
import { UsageRecorder } from "./usage-recorder.ts";

const t0 = Date.parse("2026-12-02T14:00:00Z");

describe("write_bytes of compressed batches", () => {
  const records = Array.from({ length: 200 }, (_, i) => ({
    key: Buffer.from(`key-${i}`),
    value: Buffer.from(`value ${i} `.repeat(20)),
  }));

  it.each<CompressionType>(["gzip", "snappy", "lz4", "zstd"])(
    "counts %s batches at exactly their uncompressed size",
    async (compression) => {
      const plain = await buildRecordBatch({ records, firstTimestamp: t0 });
      const compressed = await buildRecordBatch({ records, compression, firstTimestamp: t0 });
      expect(compressed.length).toBeLessThan(plain.length / 2);
      const recorder = new UsageRecorder(true);
      const counter = new WriteBytesCounter(recorder, console);
      counter.count("c1", Buffer.concat([plain, compressed]));
      await counter.idle();
      expect(recorder.takeCounts()).toEqual([
        { clusterId: "c1", dimension: "write_bytes", quantity: 2 * plain.length },
      ]);
    },
  );

  it("counts nothing when metering is off", async () => {
    const recorder = new UsageRecorder(false);
    const counter = new WriteBytesCounter(recorder, console);
    counter.count("c1", await buildRecordBatch({ records, compression: "gzip" }));
    await counter.idle();
    expect(recorder.takeCounts()).toEqual([]);
  });
});
