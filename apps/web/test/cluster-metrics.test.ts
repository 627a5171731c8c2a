import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { LATENCY_BUCKETS_MS, latencyBucket } from "@streambed/db/cluster-metrics";
import { createTestDatabase, type TestDatabase } from "@streambed/db/testing";
import {
  ingestClusterMetrics,
  pruneClusterMetrics,
} from "../src/server/cluster-metrics/ingest-cluster-metrics.ts";
import { clusterMetricSeries } from "../src/server/cluster-metrics/cluster-metric-series.ts";
import { callerFor, signUp, type TestUser } from "./harness.ts";

let db: TestDatabase;
let owner: TestUser;
let stranger: TestUser;
let cluster: string;
let other: string;
const shared = { kind: "shared" } as const;

beforeAll(async () => {
  db = await createTestDatabase(inject("postgresAdminUrl"));
  owner = await signUp(db.prisma, "owner@metrics.test");
  stranger = await signUp(db.prisma, "stranger@metrics.test");
  const api = callerFor(db.prisma, owner);
  cluster = (await api.clusters.create({ name: "charted", region: "local" })).id;
  other = (await api.clusters.create({ name: "other", region: "local" })).id;
});
afterAll(() => db.drop());

function latencies(...ms: number[]): number[] {
  const buckets = new Array<number>(LATENCY_BUCKETS_MS.length + 1).fill(0);
  for (const m of ms) buckets[latencyBucket(m)]!++;
  return buckets;
}

function report(agentId: string, windowStart: string, clusterId: string, extra = {}) {
  return {
    agentId,
    windowStart,
    windowSeconds: 60,
    store: { objectPuts: 60, objectGets: 30, cacheHits: 90, cacheMisses: 10 },
    clusters: [
      {
        clusterId,
        produceBytes: 60 * 1024 * 1024,
        fetchBytes: 120 * 1024 * 1024,
        requests: { Produce: 600, Fetch: 60 },
        errors: { "6": 6 },
        produceLatency: latencies(...Array<number>(99).fill(18), 400),
        fetchLatency: latencies(3, 3),
        connections: 4,
        ...extra,
      },
    ],
  };
}

describe("cluster metrics", () => {
  it("stores windows once, drops unknown clusters, and keeps a dedicated agent to its cluster", async () => {
    const at = "2026-12-02T10:00:00.000Z";
    expect(await ingestClusterMetrics(db.prisma, shared, report("a1", at, cluster))).toEqual({
      status: 200,
      body: { stored: 1 },
    });
    // A resend of the same window changes nothing.
    expect(await ingestClusterMetrics(db.prisma, shared, report("a1", at, cluster))).toEqual({
      status: 200,
      body: { stored: 0 },
    });
    expect(await ingestClusterMetrics(db.prisma, shared, report("a1", at, "gone"))).toEqual({
      status: 200,
      body: { stored: 0 },
    });
    const dedicated = { kind: "dedicated", clusterId: other, organizationId: "x" } as const;
    expect(
      (await ingestClusterMetrics(db.prisma, dedicated, report("a9", at, cluster))).status,
    ).toBe(403);
    const bad = await ingestClusterMetrics(db.prisma, shared, {
      ...report("a1", at, cluster),
      windowStart: "yesterday",
    });
    expect(bad.status).toBe(400);
  });

  it("adds agents up per step: MiB/s, requests by API, percentiles, connections, cache ratio", async () => {
    await ingestClusterMetrics(
      db.prisma,
      shared,
      report("a1", "2026-12-02T11:00:00.000Z", cluster),
    );
    await ingestClusterMetrics(
      db.prisma,
      shared,
      report("a2", "2026-12-02T11:00:00.000Z", cluster, { connections: 6 }),
    );
    const points = await clusterMetricSeries(
      db.prisma,
      cluster,
      "1h",
      new Date("2026-12-02T11:30:00Z"),
    );
    expect(points).toHaveLength(60);
    const point = points.find((p) => p.at.toISOString() === "2026-12-02T11:00:00.000Z")!;
    expect(point.produceMiBps).toBeCloseTo(2); // 2 agents x 60 MiB over 60 s
    expect(point.fetchMiBps).toBeCloseTo(4);
    expect(point.requestsPerSecond).toEqual({ Produce: 20, Fetch: 2 });
    expect(point.errorsPerSecond).toEqual({ "6": 0.2 });
    expect(point.produceP50Ms).toBeGreaterThan(15);
    expect(point.produceP50Ms).toBeLessThanOrEqual(20);
    expect(point.produceP99Ms).toBeLessThanOrEqual(20);
    expect(point.connections).toBe(10);
    expect(point.objectPutsPerSecond).toBe(2);
    expect(point.cacheHitRatio).toBeCloseTo(0.9);
    const empty = points[0]!;
    expect(empty).toMatchObject({ produceMiBps: 0, produceP99Ms: null, cacheHitRatio: null });
  });

  it("answers members of the cluster's organization only", async () => {
    const series = await callerFor(db.prisma, owner).metrics.cluster({
      clusterId: cluster,
      range: "24h",
    });
    expect(series).toHaveLength(96);
    await expect(
      callerFor(db.prisma, stranger).metrics.cluster({ clusterId: cluster, range: "1h" }),
    ).rejects.toMatchObject({ code: "NOT_FOUND" });
  });

  it("prunes windows older than the longest range", async () => {
    const pruned = await pruneClusterMetrics(db.prisma, new Date("2026-12-20T00:00:00Z"));
    expect(pruned).toBe(3);
    expect(await db.prisma.clusterMetricWindow.count()).toBe(0);
  });
});
