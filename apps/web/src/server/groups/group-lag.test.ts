import { describe, expect, it } from "vitest";
import { partitionLag } from "./group-lag.ts";

describe("partitionLag", () => {
  it("is the distance from the committed offset to the high watermark", () => {
    expect(partitionLag(10n, 4n)).toBe(6n);
    expect(partitionLag(10n, 10n)).toBe(0n);
  });
  it("is never negative and unknown for a deleted partition", () => {
    expect(partitionLag(3n, 5n)).toBe(0n);
    expect(partitionLag(undefined, 5n)).toBeNull();
  });
});
