import type { Prisma } from "@streambed/db";
import { billedDimensions, isBilledDimension, type BilledDimension } from "./price-book.ts";

/** Raw metered quantity of one cluster and dimension in one calendar month. */
export interface MonthlyUsage {
  month: Date;
  clusterId: string;
  dimension: BilledDimension;
  quantity: bigint;
}

/** The organization's billed usage per month, cluster and dimension in [from, to). */
export async function monthlyUsage(
  db: Prisma.TransactionClient,
  organizationId: string,
  from: Date,
  to: Date,
): Promise<MonthlyUsage[]> {
  const rows = await db.$queryRaw<
    { month: Date; cluster_id: string; dimension: string; quantity: string }[]
  >`
    SELECT date_trunc('month', hour_start AT TIME ZONE 'UTC') AT TIME ZONE 'UTC' AS month,
           cluster_id, dimension, sum(quantity)::text AS quantity
      FROM usage_hourly
     WHERE organization_id = ${organizationId}
       AND hour_start >= ${from} AND hour_start < ${to}
       AND dimension = ANY(${[...billedDimensions]})
     GROUP BY 1, 2, 3`;
  return rows.flatMap((r) =>
    isBilledDimension(r.dimension)
      ? [
          {
            month: r.month,
            clusterId: r.cluster_id,
            dimension: r.dimension,
            quantity: BigInt(r.quantity),
          },
        ]
      : [],
  );
}

/** Names of the organization's clusters, deleted ones included (their usage is still billed). */
export async function clusterNames(
  db: Prisma.TransactionClient,
  organizationId: string,
): Promise<Map<string, string>> {
  const clusters = await db.virtualCluster.findMany({
    where: { organizationId },
    select: { id: true, name: true },
  });
  return new Map(clusters.map((c) => [c.id, c.name]));
}
