import { TRPCError } from "@trpc/server";
import { z } from "zod";
import { getHTTPStatusCodeFromError } from "@trpc/server/http";
import { getAuth } from "@/server/auth/instance";
import { createRequestContext } from "@/server/context";
import { prisma } from "@/server/db";
import { appRouter } from "@/server/routers/app";
import { usageSeriesInput } from "@/server/routers/usage";
import { usageCsv } from "@/server/usage/usage-csv";

export const dynamic = "force-dynamic";

/**
 * The console's CSV download of the usage page: the same `usage.series` procedure, so the same
 * authorization middleware, answered as a file.
 */
export async function GET(request: Request) {
  const params = new URL(request.url).searchParams;
  const input = usageSeriesInput.safeParse({
    clusterId: params.get("clusterId") || undefined,
    range: params.get("range"),
    granularity: params.get("granularity"),
  });
  if (!input.success) return new Response(z.prettifyError(input.error), { status: 400 });
  const ctx = await createRequestContext(getAuth(), prisma(), request.headers, request.url);
  try {
    const series = await appRouter.createCaller(ctx).usage.series(input.data);
    const names = new Map(series.clusters.map((c) => [c.id, c.name]));
    const scope = input.data.clusterId
      ? (names.get(input.data.clusterId) ?? input.data.clusterId)
      : "organization";
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
