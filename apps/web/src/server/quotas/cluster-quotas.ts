import type { PrismaClient } from "@streambed/db";

/** One client quota entity (user and/or client id; a null name is the default entity). */
export interface ClusterQuota {
  entity: { type: string; name: string | null }[];
  values: { key: string; value: number }[];
}

export interface ClusterQuotas {
  quotas: ClusterQuota[];
  /** Time the agents muted this cluster's connections over the last hour, per agent. */
  throttled: { agentId: string; throttleMs: number }[];
}

const HOUR_MS = 3_600_000;

/**
 * A cluster's client quotas as AlterClientQuotas stored them (client_quotas.entity is the JSON
 * of its [type, name] pairs) and the throttling the agents reported in their metrics windows.
 */
export async function clusterQuotas(
  prisma: PrismaClient,
  clusterId: string,
  now: Date,
): Promise<ClusterQuotas> {
  const [rows, windows] = await Promise.all([
    prisma.clientQuota.findMany({
      where: { clusterId },
      orderBy: [{ entity: "asc" }, { quotaKey: "asc" }],
    }),
    prisma.clusterMetricWindow.groupBy({
      by: ["agentId"],
      where: { clusterId, windowStart: { gte: new Date(now.getTime() - HOUR_MS) } },
      _sum: { throttleMs: true },
    }),
  ]);
  const byEntity = new Map<string, ClusterQuota>();
  for (const row of rows) {
    const quota = byEntity.get(row.entity) ?? {
      entity: (JSON.parse(row.entity) as [string, string | null][]).map(([type, name]) => ({
        type,
        name,
      })),
      values: [],
    };
    quota.values.push({ key: row.quotaKey, value: row.value });
    byEntity.set(row.entity, quota);
  }
  return {
    quotas: [...byEntity.values()],
    throttled: windows
      .map((w) => ({ agentId: w.agentId, throttleMs: Number(w._sum.throttleMs ?? 0n) }))
      .sort((a, b) => b.throttleMs - a.throttleMs),
  };
}
