import type { Prisma } from "@streambed/db";
import { Decimal } from "./money.ts";
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

const GiB = 2 ** 30;

/**
 * One cluster's traffic in a month in GiB (GiB-months for storage), for the cost comparison.
 * Read bytes are metered but not billed, so they come straight from the rollups.
 */
export async function clusterMonthTraffic(
  db: Prisma.TransactionClient,
  clusterId: string,
  periodStart: Date,
  periodEnd: Date,
) {
  const rows = await db.usageHourly.groupBy({
    by: ["dimension"],
    where: { clusterId, hourStart: { gte: periodStart, lt: periodEnd } },
    _sum: { quantity: true },
  });
  const total = (d: string) =>
    new Decimal(rows.find((r) => r.dimension === d)?._sum.quantity?.toString() ?? "0");
  const hours = (periodEnd.getTime() - periodStart.getTime()) / 3_600_000;
  return {
    writtenGiB: total("write_bytes").div(GiB).toString(),
    readGiB: total("read_bytes").div(GiB).toString(),
    storedGiBMonths: total("storage_byte_hours").div(GiB).div(hours).toString(),
  };
}
