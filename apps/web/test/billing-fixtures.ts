import type { PrismaClient } from "@streambed/db";

/** An organization with one cluster, created at `createdAt`, for billing tests. */
export async function billedOrganization(prisma: PrismaClient, id: string, createdAt: Date) {
  await prisma.organization.create({ data: { id, name: `Org ${id}`, slug: id, createdAt } });
  const cluster = await prisma.virtualCluster.create({
    data: { id: `${id}-c1`, organizationId: id, name: "orders", region: "eu-west-1" },
  });
  return { organizationId: id, clusterId: cluster.id };
}

/** Adds `quantity` to an hourly rollup, as the metering pipeline does (late events included). */
export async function addUsage(
  prisma: PrismaClient,
  row: {
    organizationId: string;
    clusterId: string;
    dimension: string;
    hour: string;
    quantity: bigint;
  },
) {
  const hourStart = new Date(row.hour);
  await prisma.usageHourly.upsert({
    where: {
      clusterId_dimension_hourStart: {
        clusterId: row.clusterId,
        dimension: row.dimension,
        hourStart,
      },
    },
    create: {
      clusterId: row.clusterId,
      dimension: row.dimension,
      hourStart,
      organizationId: row.organizationId,
      quantity: row.quantity,
    },
    update: { quantity: { increment: row.quantity } },
  });
}

export const TiB = 2n ** 40n;
