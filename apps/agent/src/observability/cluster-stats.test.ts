import { describe, expect, it } from "vitest";
import { LATENCY_BUCKETS_MS } from "@streambed/db/cluster-metrics";
import { ClusterStats } from "./cluster-stats.ts";

describe("ClusterStats", () => {
  it("counts a window per cluster and starts the next one empty", () => {
    const stats = new ClusterStats();
    stats.request("a", "Produce", 0, 12);
    stats.request("a", "Produce", 0, 3);
    stats.request("a", "Fetch", 0, 600);
    stats.request("a", "Metadata", 3, 1);
    stats.partitionError("a", 1);
    stats.bytes("a", "produce", 100);
    stats.bytes("a", "fetch", 40);
    stats.request("b", "Fetch", 0, 20_000);

    const [a, b, idle] = stats.take(
      new Map([
        ["a", 2],
        ["c", 1],
      ]),
    );
    expect(a).toMatchObject({
      clusterId: "a",
      produceBytes: 100,
      fetchBytes: 40,
      requests: { Produce: 2, Fetch: 1, Metadata: 1 },
      errors: { "3": 1, "1": 1 },
      connections: 2,
    });
    expect(a!.produceLatency.reduce((x, y) => x + y)).toBe(2);
    expect(a!.produceLatency[LATENCY_BUCKETS_MS.indexOf(15)]).toBe(1);
    expect(b!.fetchLatency[LATENCY_BUCKETS_MS.length]).toBe(1);
    // A cluster with connections and no requests is still reported.
    expect(idle).toMatchObject({ clusterId: "c", connections: 1, requests: {} });
    expect(stats.take(new Map())).toEqual([]);
  });
});
