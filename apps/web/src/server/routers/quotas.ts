import { clusterQuotas } from "../quotas/cluster-quotas.ts";
import { clusterProcedure, router } from "../trpc.ts";

export const quotasRouter = router({
  /** The cluster's client quotas and the throttling agents reported over the last hour. */
  cluster: clusterProcedure("read").query(({ ctx }) =>
    clusterQuotas(ctx.prisma, ctx.cluster.id, new Date()),
  ),
});
