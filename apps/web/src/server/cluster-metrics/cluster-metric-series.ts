import { z } from "zod";
import type { PrismaClient } from "@streambed/db";
import { LATENCY_BUCKETS_MS, latencyQuantile } from "@streambed/db/cluster-metrics";

/** The ranges the console offers, each with the step of its points. */
export const metricRanges = {
  "1h": { spanMs: 3_600_000, stepMs: 60_000 },
  "6h": { spanMs: 6 * 3_600_000, stepMs: 5 * 60_000 },
  "24h": { spanMs: 24 * 3_600_000, stepMs: 15 * 60_000 },
  "7d": { spanMs: 7 * 24 * 3_600_000, stepMs: 3_600_000 },
} as const;
export const metricRange = z.enum(Object.keys(metricRanges) as [keyof typeof metricRanges]);
export type MetricRange = z.infer<typeof metricRange>;

export interface MetricPoint {
  at: Date;
  produceMiBps: number;
  fetchMiBps: number;
  /** Requests per second by API. */
  requestsPerSecond: Record<string, number>;
  /** Errors per second by Kafka error code. */
  errorsPerSecond: Record<string, number>;
  produceP50Ms: number | null;
  produceP99Ms: number | null;
  fetchP50Ms: number | null;
  fetchP99Ms: number | null;
  /** Open connections, summed over agents (each agent's count at the end of its windows). */
  connections: number;
  objectPutsPerSecond: number;
  objectGetsPerSecond: number;
  /** Block cache hits over lookups; null without lookups. */
  cacheHitRatio: number | null;
}

interface Step {
  produceBytes: bigint;
  fetchBytes: bigint;
  requests: Map<string, number>;
  errors: Map<string, number>;
  produceLatency: number[];
  fetchLatency: number[];
  /** Connections by agent: the latest window of each agent in the step. */
  connections: Map<string, { at: number; open: number }>;
  objectPuts: number;
  objectGets: number;
  cacheHits: number;
  cacheMisses: number;
}

function emptyStep(): Step {
  return {
    produceBytes: 0n,
    fetchBytes: 0n,
    requests: new Map(),
    errors: new Map(),
    produceLatency: new Array<number>(LATENCY_BUCKETS_MS.length + 1).fill(0),
    fetchLatency: new Array<number>(LATENCY_BUCKETS_MS.length + 1).fill(0),
    connections: new Map(),
    objectPuts: 0,
    objectGets: 0,
    cacheHits: 0,
    cacheMisses: 0,
  };
}

function addCounts(into: Map<string, number>, counts: unknown): void {
  for (const [key, n] of Object.entries(counts as Record<string, number>))
    into.set(key, (into.get(key) ?? 0) + n);
}

function addBuckets(into: number[], buckets: readonly number[]): void {
  buckets.forEach((n, i) => (into[i] = (into[i] ?? 0) + n));
}

function perSecond(counts: Map<string, number>, seconds: number): Record<string, number> {
  return Object.fromEntries([...counts].map(([k, n]) => [k, n / seconds]));
}

const MiB = 1024 * 1024;

/**
 * A cluster's figures over `range` up to `now`, one point per step with every step present (zero
 * where no agent reported), added up across agents from their windows.
 */
export async function clusterMetricSeries(
  prisma: PrismaClient,
  clusterId: string,
  range: MetricRange,
  now: Date,
): Promise<MetricPoint[]> {
  const { spanMs, stepMs } = metricRanges[range];
  const end = Math.floor(now.getTime() / stepMs) * stepMs + stepMs;
  const start = end - spanMs;
  const windows = await prisma.clusterMetricWindow.findMany({
    where: { clusterId, windowStart: { gte: new Date(start), lt: new Date(end) } },
  });
  const steps = Array.from({ length: spanMs / stepMs }, emptyStep);
  for (const w of windows) {
    const at = w.windowStart.getTime();
    const step = steps[Math.floor((at - start) / stepMs)]!;
    step.produceBytes += w.produceBytes;
    step.fetchBytes += w.fetchBytes;
    addCounts(step.requests, w.requests);
    addCounts(step.errors, w.errors);
    addBuckets(step.produceLatency, w.produceLatency);
    addBuckets(step.fetchLatency, w.fetchLatency);
    const latest = step.connections.get(w.agentId);
    if (!latest || latest.at < at) step.connections.set(w.agentId, { at, open: w.connections });
    step.objectPuts += w.objectPuts;
    step.objectGets += w.objectGets;
    step.cacheHits += w.cacheHits;
    step.cacheMisses += w.cacheMisses;
  }
  // The step still running is divided by the time it has run, not by its full length.
  const seconds = (i: number) =>
    Math.max(1, Math.min(stepMs, now.getTime() - (start + i * stepMs)) / 1000);
  return steps.map((s, i) => {
    const secs = seconds(i);
    const lookups = s.cacheHits + s.cacheMisses;
    return {
      at: new Date(start + i * stepMs),
      produceMiBps: Number(s.produceBytes) / MiB / secs,
      fetchMiBps: Number(s.fetchBytes) / MiB / secs,
      requestsPerSecond: perSecond(s.requests, secs),
      errorsPerSecond: perSecond(s.errors, secs),
      produceP50Ms: latencyQuantile(s.produceLatency, 0.5),
      produceP99Ms: latencyQuantile(s.produceLatency, 0.99),
      fetchP50Ms: latencyQuantile(s.fetchLatency, 0.5),
      fetchP99Ms: latencyQuantile(s.fetchLatency, 0.99),
      connections: [...s.connections.values()].reduce((sum, c) => sum + c.open, 0),
      objectPutsPerSecond: s.objectPuts / secs,
      objectGetsPerSecond: s.objectGets / secs,
      cacheHitRatio: lookups > 0 ? s.cacheHits / lookups : null,
    };
  });
}
