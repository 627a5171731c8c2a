import type { PrismaClient } from "@streambed/db";
import type { UsageDimension } from "./dimensions.ts";
import type { UsageGranularity, UsageWindow } from "./usage-range.ts";

/** The quantity of one dimension of one cluster in one hour or UTC day. */
export interface UsageRow {
  clusterId: string;
  dimension: UsageDimension;
  windowStart: Date;
  quantity: bigint;
}

export interface UsageScope {
  organizationId: string;
  /** One cluster of the organization; every cluster (deleted ones too) when absent. */
  clusterId?: string | undefined;
}

/**
 * Usage by hour or day from the hourly rollups (never from raw events): days are sums of their
 * UTC hours. Sums travel as text, so no quantity loses precision on the way.
 */
export async function usageSeries(
  prisma: PrismaClient,
  scope: UsageScope,
  window: UsageWindow,
  granularity: UsageGranularity,
): Promise<UsageRow[]> {
  const rows = await prisma.$queryRaw<
    { cluster_id: string; dimension: UsageDimension; window_start: Date; quantity: string }[]
  >`
    SELECT cluster_id, dimension, date_trunc(${granularity}, hour_start, 'UTC') AS window_start,
           sum(quantity)::text AS quantity
    FROM usage_hourly
    WHERE organization_id = ${scope.organizationId}
      AND (${scope.clusterId ?? null}::text IS NULL OR cluster_id = ${scope.clusterId ?? null})
      AND hour_start >= ${window.from} AND hour_start < ${window.to}
    GROUP BY 1, 2, 3
    ORDER BY 3, 1, 2`;
  return rows.map((r) => ({
    clusterId: r.cluster_id,
    dimension: r.dimension,
    windowStart: r.window_start,
    quantity: BigInt(r.quantity),
  }));
}

/** Each dimension's total over the window (dimensions without usage are absent). */
export async function usageTotals(
  prisma: PrismaClient,
  scope: UsageScope,
  window: UsageWindow,
): Promise<{ dimension: UsageDimension; quantity: bigint }[]> {
  const rows = await prisma.$queryRaw<{ dimension: UsageDimension; quantity: string }[]>`
    SELECT dimension, sum(quantity)::text AS quantity
    FROM usage_hourly
    WHERE organization_id = ${scope.organizationId}
      AND (${scope.clusterId ?? null}::text IS NULL OR cluster_id = ${scope.clusterId ?? null})
      AND hour_start >= ${window.from} AND hour_start < ${window.to}
    GROUP BY 1
    ORDER BY 1`;
  return rows.map((r) => ({ dimension: r.dimension, quantity: BigInt(r.quantity) }));
}
