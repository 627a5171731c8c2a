import type { PrismaClient } from "@streambed/db";
import type { UsageDimension } from "../src/server/usage/dimensions.ts";

/** Writes usage_hourly rows directly, as the metering pipeline's rollups would. */
export async function seedHourlyUsage(
  prisma: PrismaClient,
  organizationId: string,
  rows: { clusterId: string; dimension: UsageDimension; hourStart: Date; quantity: bigint }[],
): Promise<void> {
  await prisma.usageHourly.createMany({ data: rows.map((r) => ({ ...r, organizationId })) });
}

export const HOUR = 3_600_000;
