import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { hashKey, jumpConsistentHash } from "./jump-hash.ts";

describe("jumpConsistentHash", () => {
  it("matches the reference implementation's outputs", () => {
    // Test vectors of the widely used Go port (dgryski/go-jump) of the paper's C++ code.
    expect(jumpConsistentHash(1n, 1)).toBe(0);
    expect(jumpConsistentHash(42n, 57)).toBe(43);
    expect(jumpConsistentHash(0xdead10ccn, 1)).toBe(0);
    expect(jumpConsistentHash(0xdead10ccn, 666)).toBe(361);
    expect(jumpConsistentHash(256n, 1024)).toBe(520);
    expect(() => jumpConsistentHash(1n, 0)).toThrow(RangeError);
  });

  it("moves a key only to the new bucket when a bucket is added", () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }),
        fc.integer({ min: 1, max: 500 }),
        (key, n) => {
          const before = jumpConsistentHash(key, n);
          const after = jumpConsistentHash(key, n + 1);
          expect(before).toBeGreaterThanOrEqual(0);
          expect(before).toBeLessThan(n);
          expect(after === before || after === n).toBe(true);
        },
      ),
    );
  });

  it("spreads keys evenly", () => {
    const counts = new Array<number>(5).fill(0);
    for (let i = 0; i < 5000; i++) counts[jumpConsistentHash(hashKey(`topic:${i}`), 5)]!++;
    for (const c of counts) expect(Math.abs(c - 1000)).toBeLessThan(150);
  });
});
