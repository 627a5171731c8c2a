import { describe, expect, it } from "vitest";
import type { StoredIndexRow } from "../metadata/job-store.ts";
import { chunksOf, MAX_MERGED_ROW_BYTES, mergeRows } from "./object-compaction.ts";

const row = (partition: number, base: bigint, last: bigint, byteLength = 100): StoredIndexRow => ({
  topicId: "00000000-0000-0000-0000-000000000001",
  partition,
  baseOffset: base,
  lastOffset: last,
  objectKey: `o-${base}`,
  byteOffset: 0,
  byteLength,
  maxTimestamp: 0n,
  recordCount: Number(last - base + 1n),
  createdAt: new Date(0),
});

describe("mergeRows", () => {
  it("joins contiguous rows of a partition, never across a gap, a partition or the size cap", () => {
    const big = MAX_MERGED_ROW_BYTES / 2;
    const runs = mergeRows([
      row(0, 0n, 4n),
      row(0, 5n, 9n),
      // Offsets 10..19 live in an object not merged this time.
      row(0, 20n, 29n),
      row(1, 30n, 31n),
      row(1, 32n, 33n, big),
      row(1, 34n, 35n, big),
    ]);
    expect(runs.map((run) => run.map((r) => r.baseOffset))).toEqual([
      [0n, 5n],
      [20n],
      [30n, 32n],
      [34n],
    ]);
  });
});

describe("chunksOf", () => {
  it("cuts runs at the target size and the fan-in", () => {
    const sizes = [10, 10, 10, 25, 5, 5, 5, 5].map((sizeBytes) => ({ sizeBytes }));
    expect(chunksOf(sizes, 30, 3).map((c) => c.map((o) => o.sizeBytes))).toEqual([
      [10, 10, 10],
      [25, 5],
      [5, 5, 5],
    ]);
  });
});
