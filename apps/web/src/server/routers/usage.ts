import { z } from "zod";
import { usageSeries, usageTotals } from "../usage/usage-queries.ts";
import {
  billingPeriodStart,
  rangeWindow,
  usageGranularitySchema,
  usageRangeSchema,
} from "../usage/usage-range.ts";
import { organizationProcedure, router } from "../trpc.ts";

/** Optional: the middleware checks a given cluster belongs to the organization. */
const clusterId = z.string().min(1).optional();

export const usageSeriesInput = z.object({
  clusterId,
  range: usageRangeSchema,
  granularity: usageGranularitySchema,
});

export const usageRouter = router({
  /** Usage of the organization, or of one cluster, by hour or day over a named range. */
  series: organizationProcedure("read")
    .input(usageSeriesInput)
    .query(async ({ ctx, input }) => {
      const window = rangeWindow(input.range, new Date());
      const rows = await usageSeries(
        ctx.prisma,
        { organizationId: ctx.organizationId, clusterId: input.clusterId },
        window,
        input.granularity,
      );
      // Names of every cluster with usage, deleted ones included: their usage is still billed.
      const clusters = await ctx.prisma.virtualCluster.findMany({
        where: {
          organizationId: ctx.organizationId,
          id: { in: [...new Set(rows.map((r) => r.clusterId))] },
        },
        select: { id: true, name: true },
      });
      return { ...window, granularity: input.granularity, rows, clusters };
    }),

  /** Totals per dimension since the start of the current billing period (calendar month, UTC). */
  monthToDate: organizationProcedure("read")
    .input(z.object({ clusterId }))
    .query(async ({ ctx, input }) => {
      const now = new Date();
      const window = { from: billingPeriodStart(now), to: now };
      const totals = await usageTotals(
        ctx.prisma,
        { organizationId: ctx.organizationId, clusterId: input.clusterId },
        window,
      );
      return { ...window, totals };
    }),
});
