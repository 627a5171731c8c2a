import { describe, expect, it } from "vitest";
import { LATENCY_BUCKETS_MS, latencyBucket, latencyQuantile } from "../src/cluster-metrics.ts";

describe("cluster metrics latency buckets", () => {
  it("puts a latency in the first bucket whose bound holds it", () => {
    expect(latencyBucket(0.2)).toBe(0);
    expect(latencyBucket(1)).toBe(0);
    expect(latencyBucket(1.5)).toBe(1);
    expect(latencyBucket(99_999)).toBe(LATENCY_BUCKETS_MS.length);
  });

  it("interpolates quantiles inside a bucket, as histogram_quantile does", () => {
    const buckets = new Array<number>(LATENCY_BUCKETS_MS.length + 1).fill(0);
    buckets[latencyBucket(18)] = 100; // all in (15, 20]
    expect(latencyQuantile(buckets, 0.5)).toBeCloseTo(17.5);
    expect(latencyQuantile(buckets, 0.99)).toBeCloseTo(19.95);
    buckets[LATENCY_BUCKETS_MS.length] = 100;
    expect(latencyQuantile(buckets, 0.99)).toBe(10_000);
    expect(
      latencyQuantile(
        buckets.map(() => 0),
        0.5,
      ),
    ).toBeNull();
  });
});
