import { buildRecordBatch } from "@streambed/protocol";
import { describe, expect, it } from "vitest";
import { ProduceValidationError } from "./produce-errors.ts";
import { validateRecordBatches } from "./validate-records.ts";

const value = (n: number) => Buffer.alloc(n, 7);

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    if (error instanceof ProduceValidationError) return error.code;
    throw error;
  }
  return undefined;
}

describe("validateRecordBatches", () => {
  it("counts offsets and the max timestamp of several batches", async () => {
    const a = await buildRecordBatch({
      records: [
        { value: value(10), timestamp: 5 },
        { value: value(10), timestamp: 9 },
      ],
    });
    const b = await buildRecordBatch({
      records: [{ value: value(10), timestamp: 7 }],
      compression: "gzip",
    });
    expect(validateRecordBatches(Buffer.concat([a, b]), 1 << 20)).toEqual({
      recordCount: 3,
      maxTimestamp: 9n,
      firstTimestamp: 5n,
      batchCount: 2,
    });
  });

  it("reports an idempotent producer's sequence range", async () => {
    const batch = await buildRecordBatch({
      records: [{ value: value(1) }, { value: value(1) }, { value: value(1) }],
      producerId: 1000n,
      producerEpoch: 2,
      baseSequence: 0x7ffffffe,
    });
    expect(validateRecordBatches(batch, 1 << 20).producer).toEqual({
      producerId: 1000n,
      producerEpoch: 2,
      baseSequence: 0x7ffffffe,
      lastSequence: 0,
    });
    expect(codeOf(() => validateRecordBatches(Buffer.concat([batch, batch]), 1 << 20))).toBe(
      "INVALID_RECORD",
    );
  });

  it("rejects corrupt, truncated, old-magic, oversized and control batches with Kafka's codes", async () => {
    const batch = await buildRecordBatch({ records: [{ value: value(100) }] });
    const flipped = Buffer.from(batch);
    flipped[flipped.length - 1]! ^= 0xff;
    expect(codeOf(() => validateRecordBatches(flipped, 1 << 20))).toBe("CORRUPT_MESSAGE");
    expect(codeOf(() => validateRecordBatches(batch.subarray(0, batch.length - 1), 1 << 20))).toBe(
      "CORRUPT_MESSAGE",
    );
    expect(codeOf(() => validateRecordBatches(Buffer.alloc(0), 1 << 20))).toBe("CORRUPT_MESSAGE");
    const magic1 = Buffer.from(batch);
    magic1[16] = 1;
    expect(codeOf(() => validateRecordBatches(magic1, 1 << 20))).toBe("UNSUPPORTED_VERSION");
    expect(codeOf(() => validateRecordBatches(batch, batch.length - 1))).toBe("MESSAGE_TOO_LARGE");
    expect(codeOf(() => validateRecordBatches(batch, batch.length))).toBeUndefined();
    const control = await buildRecordBatch({ records: [{ value: value(1) }], control: true });
    expect(codeOf(() => validateRecordBatches(control, 1 << 20))).toBe("INVALID_RECORD");
    const bomb = await buildRecordBatch({
      records: [{ value: Buffer.alloc(4 << 20) }],
      compression: "gzip",
    });
    expect(codeOf(() => validateRecordBatches(bomb, 1 << 20, 1 << 20))).toBe(
      "RECORD_LIST_TOO_LARGE",
    );
    expect(codeOf(() => validateRecordBatches(bomb, 1 << 20, 8 << 20))).toBeUndefined();
  });
});
