import { z } from "zod";
import { clusterMetricSeries, metricRange } from "../cluster-metrics/cluster-metric-series.ts";
import { clusterProcedure, router } from "../trpc.ts";

export const metricsRouter = router({
  /** A cluster's throughput, requests, latency, connections, errors and store figures over a range. */
  cluster: clusterProcedure("read")
    .input(z.object({ range: metricRange }))
    .query(({ ctx, input }) =>
      clusterMetricSeries(ctx.prisma, ctx.cluster.id, input.range, new Date()),
    ),
});
