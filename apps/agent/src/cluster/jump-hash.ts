import { createHash } from "node:crypto";

const MASK_64 = (1n << 64n) - 1n;
const LCG_MULTIPLIER = 2862933555777941757n;

/**
 * Jump consistent hash (Lamping & Veach, 2014): maps a 64-bit key to a bucket in [0, buckets)
 * so that growing from n to n+1 buckets moves only 1/(n+1) of the keys.
 */
export function jumpConsistentHash(key: bigint, buckets: number): number {
  if (!Number.isInteger(buckets) || buckets < 1)
    throw new RangeError(`buckets must be >= 1, got ${buckets}`);
  let k = key & MASK_64;
  let b = -1;
  let j = 0;
  while (j < buckets) {
    b = j;
    k = (k * LCG_MULTIPLIER + 1n) & MASK_64;
    j = Math.floor(((b + 1) * 2 ** 31) / (Number(k >> 33n) + 1));
  }
  return b;
}

/** A stable 64-bit key for a string (first 8 bytes of its SHA-256). */
export function hashKey(value: string): bigint {
  return createHash("sha256").update(value).digest().readBigUInt64BE(0);
}
