import { TRPCError } from "@trpc/server";
import { z } from "zod";
import { recordAudit } from "../audit/record-audit.ts";
import { organizationPastDue } from "../billing/dunning.ts";
import { isUniqueViolation } from "../errors/unique-violation.ts";
import { clusterStats } from "../clusters/cluster-stats.ts";
import { liveAgents } from "../clusters/live-agents.ts";
import { clusterName, clusterSettingsInput, createClusterInput } from "../clusters/schemas.ts";
import { webConfig } from "../config.ts";
import { clusterProcedure, organizationProcedure, router } from "../trpc.ts";

const nameTaken = () =>
  new TRPCError({
    code: "CONFLICT",
    message: "A cluster with this name already exists in the organization",
  });

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
    const agents = await liveAgents(ctx.prisma, ctx.cluster.id);
    return {
      ...ctx.cluster,
      bootstrapAddress: webConfig().bootstrapAddress,
      agents,
      role: ctx.role,
    };
  }),

  stats: clusterProcedure("read").query(({ ctx }) => clusterStats(ctx.prisma, ctx.cluster.id)),

  create: organizationProcedure("write")
    .input(createClusterInput)
    .mutation(async ({ ctx, input }) => {
      // Billing never stops traffic or deletes data; it only blocks growth when long past due.
      if (
        (await organizationPastDue(ctx.prisma, ctx.organizationId, new Date()))
          .clusterCreationBlocked
      )
        throw new TRPCError({
          code: "FORBIDDEN",
          message:
            "This organization is more than 14 days past due: pay the open invoice to create clusters",
        });
      try {
        return await ctx.prisma.$transaction(async (tx) => {
          const cluster = await tx.virtualCluster.create({
            data: { organizationId: ctx.organizationId, ...input },
          });
          await recordAudit(tx, {
            organizationId: ctx.organizationId,
            actorUserId: ctx.user.id,
            action: "cluster.created",
            targetType: "cluster",
            targetId: cluster.id,
            metadata: { name: cluster.name, region: cluster.region },
            ip: ctx.ip,
          });
          return cluster;
        });
      } catch (err) {
        throw isUniqueViolation(err) ? nameTaken() : err;
      }
    }),

  rename: clusterProcedure("write")
    .input(z.object({ name: clusterName }))
    .mutation(async ({ ctx, input }) => {
      try {
        return await ctx.prisma.$transaction(async (tx) => {
          const cluster = await tx.virtualCluster.update({
            where: { id: ctx.cluster.id },
            data: { name: input.name },
          });
          await recordAudit(tx, {
            organizationId: ctx.organizationId,
            actorUserId: ctx.user.id,
            action: "cluster.renamed",
            targetType: "cluster",
            targetId: cluster.id,
            metadata: { from: ctx.cluster.name, to: input.name },
            ip: ctx.ip,
          });
          return cluster;
        });
      } catch (err) {
        throw isUniqueViolation(err) ? nameTaken() : err;
      }
    }),

  updateSettings: clusterProcedure("write")
    .input(clusterSettingsInput)
    .mutation(async ({ ctx, input }) => {
      const { clusterId: _clusterId, ...settings } = input;
      return ctx.prisma.$transaction(async (tx) => {
        const cluster = await tx.virtualCluster.update({
          where: { id: ctx.cluster.id },
          data: { ...settings, defaultRetentionMs: BigInt(settings.defaultRetentionMs) },
        });
        await recordAudit(tx, {
          organizationId: ctx.organizationId,
          actorUserId: ctx.user.id,
          action: "cluster.settings_changed",
          targetType: "cluster",
          targetId: cluster.id,
          metadata: settings,
          ip: ctx.ip,
        });
        return cluster;
      });
    }),

  delete: clusterProcedure("manage")
    .input(z.object({ confirmName: z.string() }))
    .mutation(async ({ ctx, input }) => {
      const cluster = ctx.cluster;
      if (cluster.deletionProtection) {
        throw new TRPCError({
          code: "PRECONDITION_FAILED",
          message: "Deletion protection is on: turn it off in Settings first",
        });
      }
      if (input.confirmName !== cluster.name) {
        throw new TRPCError({ code: "BAD_REQUEST", message: "Type the cluster's name to confirm" });
      }
      const now = new Date();
      await ctx.prisma.$transaction(async (tx) => {
        // Soft delete frees the name and locks out every client of the cluster at once.
        await tx.virtualCluster.update({
          where: { id: cluster.id },
          data: { deletedAt: now, name: `${cluster.name}.deleted.${cluster.id}` },
        });
        await tx.kafkaCredential.updateMany({
          where: { clusterId: cluster.id, revokedAt: null },
          data: { revokedAt: now },
        });
        await tx.agentKey.updateMany({
          where: { clusterId: cluster.id, revokedAt: null },
          data: { revokedAt: now },
        });
        await recordAudit(tx, {
          organizationId: ctx.organizationId,
          actorUserId: ctx.user.id,
          action: "cluster.deleted",
          targetType: "cluster",
          targetId: cluster.id,
          metadata: { name: cluster.name },
          ip: ctx.ip,
        });
      });
      return { id: cluster.id };
    }),
});
