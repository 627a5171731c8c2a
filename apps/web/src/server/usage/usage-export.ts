import { TRPCError } from "@trpc/server";
import { getHTTPStatusCodeFromError } from "@trpc/server/http";
import { z } from "zod";
import { appRouter } from "../routers/app.ts";
import { usageSeriesInput } from "../routers/usage.ts";
import type { Context } from "../trpc.ts";
import { usageCsv } from "./usage-csv.ts";

/**
 * The usage pages' CSV download: the `usage.series` procedure (so the one authorization
 * middleware) answered as a file named after the cluster, range start and granularity.
 */
export async function usageExportResponse(ctx: Context, params: URLSearchParams) {
  const input = usageSeriesInput.safeParse({
    clusterId: params.get("clusterId") || undefined,
    range: params.get("range"),
    granularity: params.get("granularity"),
  });
  if (!input.success) return new Response(z.prettifyError(input.error), { status: 400 });
  try {
    const series = await appRouter.createCaller(ctx).usage.series(input.data);
    const names = new Map(series.clusters.map((c) => [c.id, c.name]));
    const { clusterId } = input.data;
    const scope = clusterId ? (names.get(clusterId) ?? clusterId) : "organization";
    const filename = `streambed-usage-${scope}-${series.from.toISOString().slice(0, 10)}-${series.granularity}.csv`;
    return new Response(usageCsv(series.rows, names), {
      headers: {
        "content-type": "text/csv; charset=utf-8",
        "content-disposition": `attachment; filename="${filename.replace(/[^\w.-]/g, "_")}"`,
        "cache-control": "no-store",
      },
    });
  } catch (err) {
    if (!(err instanceof TRPCError)) throw err;
    return new Response(err.message, { status: getHTTPStatusCodeFromError(err) });
  }
}
