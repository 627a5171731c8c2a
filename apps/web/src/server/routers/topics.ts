import { TRPCError } from "@trpc/server";
import { z } from "zod";
import { recordAudit } from "../audit/record-audit.ts";
import { isUniqueViolation } from "../errors/unique-violation.ts";
import { createTopicInput, topicName } from "../topics/schemas.ts";
import { recentThroughput, retentionOf, storedBytes } from "../topics/topic-stats.ts";
import { clusterProcedure, router } from "../trpc.ts";

export const topicsRouter = router({
  list: clusterProcedure("read")
    .input(z.object({ search: z.string().trim().max(249).optional() }))
    .query(async ({ ctx, input }) => {
      const topics = await ctx.prisma.topic.findMany({
        where: {
          clusterId: ctx.cluster.id,
          ...(input.search ? { name: { contains: input.search, mode: "insensitive" } } : {}),
        },
        include: {
          partitions: { select: { partition: true, nextOffset: true, logStartOffset: true } },
        },
        orderBy: { name: "asc" },
      });
      const ids = topics.map((t) => t.id);
      const [bytes, throughput] = await Promise.all([
        storedBytes(ctx.prisma, ctx.cluster.id, ids),
        recentThroughput(ctx.prisma, ctx.cluster.id, ids),
      ]);
      return topics.map((t) => ({
        id: t.id,
        name: t.name,
        partitionCount: t.partitionCount,
        highWatermark: t.partitions.reduce((sum, p) => sum + p.nextOffset, 0n),
        messages: t.partitions.reduce((sum, p) => sum + (p.nextOffset - p.logStartOffset), 0n),
        storedBytes: bytes.filter((b) => b.topicId === t.id).reduce((sum, b) => sum + b.bytes, 0n),
        retentionMs: retentionOf(t.configs, ctx.cluster.defaultRetentionMs),
        recordsPerSecond: throughput.find((r) => r.topicId === t.id)?.recordsPerSecond ?? 0,
        bytesPerSecond: throughput.find((r) => r.topicId === t.id)?.bytesPerSecond ?? 0,
        createdAt: t.createdAt,
      }));
    }),

  get: clusterProcedure("read")
    .input(z.object({ name: topicName }))
    .query(async ({ ctx, input }) => {
      const topic = await ctx.prisma.topic.findUnique({
        where: { clusterId_name: { clusterId: ctx.cluster.id, name: input.name } },
        include: { partitions: { orderBy: { partition: "asc" } } },
      });
      if (!topic) throw new TRPCError({ code: "NOT_FOUND", message: "Topic not found" });
      const bytes = await storedBytes(ctx.prisma, ctx.cluster.id, [topic.id]);
      return {
        id: topic.id,
        name: topic.name,
        createdAt: topic.createdAt,
        configs: topic.configs as Record<string, string>,
        retentionMs: retentionOf(topic.configs, ctx.cluster.defaultRetentionMs),
        partitions: topic.partitions.map((p) => ({
          partition: p.partition,
          logStartOffset: p.logStartOffset,
          highWatermark: p.nextOffset,
          leaderEpoch: p.leaderEpoch,
          storedBytes: bytes.find((b) => b.partition === p.partition)?.bytes ?? 0n,
        })),
      };
    }),

  /** Writes the topic and partition rows the agents read, so clients see the topic at once. */
  create: clusterProcedure("write")
    .input(createTopicInput)
    .mutation(async ({ ctx, input }) => {
      const partitions = input.partitions ?? ctx.cluster.defaultPartitions;
      const configs: Record<string, string> = { "cleanup.policy": input.cleanupPolicy };
      if (input.retentionMs !== undefined) configs["retention.ms"] = String(input.retentionMs);
      try {
        return await ctx.prisma.$transaction(async (tx) => {
          const topic = await tx.topic.create({
            data: {
              clusterId: ctx.cluster.id,
              name: input.name,
              partitionCount: partitions,
              configs,
              partitions: {
                create: Array.from({ length: partitions }, (_, partition) => ({
                  partition,
                  clusterId: ctx.cluster.id,
                })),
              },
            },
          });
          await recordAudit(tx, {
            organizationId: ctx.organizationId,
            actorUserId: ctx.user.id,
            action: "topic.created",
            targetType: "topic",
            targetId: topic.id,
            metadata: { clusterId: ctx.cluster.id, name: topic.name, partitions },
            ip: ctx.ip,
          });
          return { id: topic.id, name: topic.name, partitionCount: partitions };
        });
      } catch (err) {
        if (isUniqueViolation(err)) {
          throw new TRPCError({ code: "CONFLICT", message: `Topic ${input.name} already exists` });
        }
        throw err;
      }
    }),

  delete: clusterProcedure("write")
    .input(z.object({ name: topicName }))
    .mutation(async ({ ctx, input }) => {
      const topic = await ctx.prisma.topic.findUnique({
        where: { clusterId_name: { clusterId: ctx.cluster.id, name: input.name } },
      });
      if (!topic) throw new TRPCError({ code: "NOT_FOUND", message: "Topic not found" });
      await ctx.prisma.$transaction(async (tx) => {
        // Partitions and their index rows go with the topic (cascade); the objects become garbage for retention.
        await tx.topic.delete({ where: { id: topic.id } });
        await tx.committedOffset.deleteMany({
          where: { clusterId: ctx.cluster.id, topic: topic.name },
        });
        await recordAudit(tx, {
          organizationId: ctx.organizationId,
          actorUserId: ctx.user.id,
          action: "topic.deleted",
          targetType: "topic",
          targetId: topic.id,
          metadata: { clusterId: ctx.cluster.id, name: topic.name },
          ip: ctx.ip,
        });
      });
      return { id: topic.id };
    }),
});
