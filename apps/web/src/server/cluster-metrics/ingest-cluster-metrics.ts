import { z } from "zod";
import type { PrismaClient } from "@streambed/db";
import { LATENCY_BUCKETS_MS } from "@streambed/db/cluster-metrics";
import type { IngestPrincipal } from "../usage/ingest-auth.ts";

const count = z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER);
const buckets = z.array(count).length(LATENCY_BUCKETS_MS.length + 1);
const counts = z.record(z.string().max(64), count).refine((r) => Object.keys(r).length <= 128, {
  message: "at most 128 keys",
});

/** The agent's report (ClusterMetricsReport in @streambed/db/cluster-metrics), checked. */
export const clusterMetricsReport = z.object({
  agentId: z.string().min(1).max(128),
  windowStart: z.iso.datetime(),
  windowSeconds: z.number().int().min(1).max(3600),
  store: z.object({
    objectPuts: count,
    objectGets: count,
    cacheHits: count,
    cacheMisses: count,
  }),
  clusters: z
    .array(
      z.object({
        clusterId: z.string().min(1).max(128),
        produceBytes: count,
        fetchBytes: count,
        requests: counts,
        errors: counts,
        produceLatency: buckets,
        fetchLatency: buckets,
        connections: count,
        // Agents before quota enforcement do not send it.
        throttleMs: count.default(0),
      }),
    )
    .max(10_000),
});

export type ClusterMetricsOutcome =
  { status: 200; body: { stored: number } } | { status: 400 | 403; body: { error: string } };

/**
 * Stores one agent's window of per-cluster figures. A dedicated agent may report only its own
 * cluster; windows of clusters that do not exist (deleted since) are dropped. A resent window is
 * stored once.
 */
export async function ingestClusterMetrics(
  prisma: PrismaClient,
  principal: IngestPrincipal,
  body: unknown,
): Promise<ClusterMetricsOutcome> {
  const parsed = clusterMetricsReport.safeParse(body);
  if (!parsed.success)
    return {
      status: 400,
      body: {
        error: parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; "),
      },
    };
  const report = parsed.data;
  if (
    principal.kind === "dedicated" &&
    report.clusters.some((c) => c.clusterId !== principal.clusterId)
  )
    return { status: 403, body: { error: "this agent key belongs to another cluster" } };
  const known = new Set(
    (
      await prisma.virtualCluster.findMany({
        where: { id: { in: report.clusters.map((c) => c.clusterId) } },
        select: { id: true },
      })
    ).map((c) => c.id),
  );
  const { count: stored } = await prisma.clusterMetricWindow.createMany({
    data: report.clusters
      .filter((c) => known.has(c.clusterId))
      .map((c) => ({
        clusterId: c.clusterId,
        agentId: report.agentId,
        windowStart: new Date(report.windowStart),
        windowSeconds: report.windowSeconds,
        produceBytes: BigInt(c.produceBytes),
        fetchBytes: BigInt(c.fetchBytes),
        requests: c.requests,
        errors: c.errors,
        produceLatency: c.produceLatency,
        fetchLatency: c.fetchLatency,
        connections: c.connections,
        throttleMs: BigInt(c.throttleMs),
        ...report.store,
      })),
    skipDuplicates: true,
  });
  return { status: 200, body: { stored } };
}

/** How long windows are kept: the longest range the console charts, and a day more. */
export const CLUSTER_METRICS_RETENTION_MS = 8 * 24 * 3_600_000;

export async function pruneClusterMetrics(prisma: PrismaClient, now: Date): Promise<number> {
  const { count } = await prisma.clusterMetricWindow.deleteMany({
    where: { windowStart: { lt: new Date(now.getTime() - CLUSTER_METRICS_RETENTION_MS) } },
  });
  return count;
}
