import { z } from "zod";
import { usageDimensionSchema } from "../usage/dimensions.ts";
import { usageSeries } from "../usage/usage-queries.ts";
import {
  bucketStart,
  granularityMs,
  usageGranularitySchema,
  type UsageGranularity,
} from "../usage/usage-range.ts";
import { ApiError } from "./api-error.ts";
import { findApiCluster } from "./clusters.ts";
import { defineEndpoint } from "./endpoint.ts";

const DAY = 86_400_000;
/** The longest window one request may ask for, so a response stays a few thousand rows. */
const maxUsageSpanDays: Record<UsageGranularity, number> = { hour: 31, day: 366 };

const usageQuery = z.object({
  clusterId: z.string().min(1).optional().meta({
    description: "One cluster of the key's organization; all of its clusters when absent",
  }),
  from: z.iso.datetime({ offset: true }).optional().meta({
    description:
      "Start (inclusive, rounded down to the hour or UTC day). Default: 24 hours before `to`.",
    example: "2026-12-01T00:00:00Z",
  }),
  to: z.iso.datetime({ offset: true }).optional().meta({
    description:
      "End (exclusive, rounded up to the hour or UTC day). Default: the end of the current hour.",
    example: "2026-12-02T00:00:00Z",
  }),
  granularity: usageGranularitySchema.default("hour").meta({
    description: `Bucket size. At most ${maxUsageSpanDays.hour} days of hours or ${maxUsageSpanDays.day} days of days per request.`,
  }),
});

const usageRowSchema = z
  .object({
    clusterId: z.string(),
    dimension: usageDimensionSchema,
    windowStart: z.iso.datetime().meta({ description: "Start of the hour or UTC day" }),
    quantity: z.string().regex(/^\d+$/).meta({
      description:
        "Integer as a decimal string (it may exceed 2^53). Units: bytes, byte-hours, minutes or requests, by dimension.",
      example: "1048576",
    }),
  })
  .meta({ id: "UsageRow" });

function ceilTo(date: Date, granularity: UsageGranularity): Date {
  const start = bucketStart(date, granularity);
  return start.getTime() === date.getTime()
    ? start
    : new Date(start.getTime() + granularityMs[granularity]);
}

/** The requested window, aligned to whole buckets and checked against the maximum span. */
function requestedWindow(query: z.infer<typeof usageQuery>) {
  const { granularity } = query;
  const to = ceilTo(query.to ? new Date(query.to) : new Date(), granularity);
  const from = bucketStart(
    query.from ? new Date(query.from) : new Date(to.getTime() - DAY),
    granularity,
  );
  if (from >= to) throw new ApiError("invalid_request", "`from` must be before `to`");
  if (to.getTime() - from.getTime() > maxUsageSpanDays[granularity] * DAY)
    throw new ApiError(
      "invalid_request",
      `At most ${maxUsageSpanDays[granularity]} days per request with granularity=${granularity}`,
    );
  return { from, to };
}

export const getUsage = defineEndpoint({
  method: "get",
  path: "/api/v1/usage",
  operationId: "getUsage",
  tag: "Usage",
  summary: "Metered usage by hour or day",
  description:
    "Usage per cluster, dimension and hour (or UTC day), from the hourly rollups. Windows without usage are omitted. Recent hours grow as agents report.",
  access: "read",
  query: usageQuery,
  response: z.object({ data: z.array(usageRowSchema) }).meta({ id: "UsageList" }),
  notFound: true,
  async handle({ prisma, principal, query }) {
    const window = requestedWindow(query);
    if (query.clusterId) await findApiCluster(prisma, principal.organizationId, query.clusterId);
    const rows = await usageSeries(
      prisma,
      { organizationId: principal.organizationId, clusterId: query.clusterId },
      window,
      query.granularity,
    );
    return {
      data: rows.map((r) => ({
        clusterId: r.clusterId,
        dimension: r.dimension,
        windowStart: r.windowStart.toISOString(),
        quantity: r.quantity.toString(),
      })),
    };
  },
});
