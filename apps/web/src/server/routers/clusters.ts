import { TRPCError } from "@trpc/server";
import { z } from "zod";
import {
  createCluster,
  deleteCluster,
  renameCluster,
  updateClusterSettings,
} from "../clusters/cluster-operations.ts";
import { clusterStats } from "../clusters/cluster-stats.ts";
import { liveAgents, unresponsiveAgents } from "../clusters/live-agents.ts";
import { clusterName, clusterSettingsInput, createClusterInput } from "../clusters/schemas.ts";
import { webConfig } from "../config.ts";
import { clusterProcedure, organizationProcedure, router } from "../trpc.ts";

export const clustersRouter = router({
  list: organizationProcedure("read").query(async ({ ctx }) => {
    const clusters = await ctx.prisma.virtualCluster.findMany({
      where: { organizationId: ctx.organizationId, deletedAt: null },
      orderBy: { createdAt: "asc" },
    });
    const topicCounts = await ctx.prisma.topic.groupBy({
      by: ["clusterId"],
      where: { clusterId: { in: clusters.map((c) => c.id) } },
      _count: { _all: true },
    });
    const agents = await Promise.all(clusters.map((c) => liveAgents(ctx.prisma, c.id)));
    return clusters.map((c, i) => ({
      ...c,
      topicCount: topicCounts.find((t) => t.clusterId === c.id)?._count._all ?? 0,
      liveAgentCount: agents[i]!.length,
      bootstrapAddress: webConfig().bootstrapAddress,
    }));
  }),

  get: clusterProcedure("read").query(async ({ ctx }) => {
    const now = new Date();
    const [agents, unresponsive] = await Promise.all([
      liveAgents(ctx.prisma, ctx.cluster.id, now),
      unresponsiveAgents(ctx.prisma, ctx.cluster.id, now),
    ]);
    return {
      ...ctx.cluster,
      bootstrapAddress: webConfig().bootstrapAddress,
      agents,
      unresponsiveAgents: unresponsive,
      role: ctx.role,
    };
  }),

  stats: clusterProcedure("read").query(({ ctx }) => clusterStats(ctx.prisma, ctx.cluster.id)),

  create: organizationProcedure("write")
    .input(createClusterInput)
    .mutation(({ ctx, input }) => createCluster(ctx.prisma, ctx.actor, input)),

  rename: clusterProcedure("write")
    .input(z.object({ name: clusterName }))
    .mutation(({ ctx, input }) => renameCluster(ctx.prisma, ctx.actor, ctx.cluster, input.name)),

  updateSettings: clusterProcedure("write")
    .input(clusterSettingsInput)
    .mutation(({ ctx, input }) => {
      const { clusterId: _clusterId, ...settings } = input;
      return updateClusterSettings(ctx.prisma, ctx.actor, ctx.cluster, settings);
    }),

  delete: clusterProcedure("manage")
    .input(z.object({ confirmName: z.string() }))
    .mutation(({ ctx, input }) => {
      if (!ctx.cluster.deletionProtection && input.confirmName !== ctx.cluster.name)
        throw new TRPCError({ code: "BAD_REQUEST", message: "Type the cluster's name to confirm" });
      return deleteCluster(ctx.prisma, ctx.actor, ctx.cluster);
    }),
});
