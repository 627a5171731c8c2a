import { z } from "zod";
import {
  createTopicInput,
  partitionCount,
  topicConfigChanges,
  topicName,
} from "../topics/schemas.ts";
import {
  addPartitions,
  createTopic,
  deleteTopic,
  getTopic,
  listTopicPage,
  updateTopicConfigs,
} from "../topics/topic-operations.ts";
import { clusterProcedure, router } from "../trpc.ts";

export const topicsRouter = router({
  /** One page of topics by name (search: part of the name); `total` counts every match. */
  list: clusterProcedure("read")
    .input(
      z.object({
        search: z.string().trim().max(249).optional(),
        cursor: z.string().min(1).optional(),
        limit: z.number().int().min(1).max(200).default(50),
      }),
    )
    .query(({ ctx, input }) => listTopicPage(ctx.prisma, ctx.cluster, input)),

  get: clusterProcedure("read")
    .input(z.object({ name: topicName }))
    .query(({ ctx, input }) => getTopic(ctx.prisma, ctx.cluster, input.name)),

  create: clusterProcedure("write")
    .input(createTopicInput)
    .mutation(({ ctx, input }) => createTopic(ctx.prisma, ctx.actor, ctx.cluster, input)),

  delete: clusterProcedure("write")
    .input(z.object({ name: topicName, confirmName: z.string() }))
    .mutation(({ ctx, input }) =>
      deleteTopic(ctx.prisma, ctx.actor, ctx.cluster, input.name, input.confirmName),
    ),

  updateConfigs: clusterProcedure("write")
    .input(z.object({ name: topicName, changes: topicConfigChanges }))
    .mutation(({ ctx, input }) =>
      updateTopicConfigs(ctx.prisma, ctx.actor, ctx.cluster, input.name, input.changes),
    ),

  addPartitions: clusterProcedure("write")
    .input(z.object({ name: topicName, partitionCount }))
    .mutation(({ ctx, input }) =>
      addPartitions(ctx.prisma, ctx.actor, ctx.cluster, input.name, input.partitionCount),
    ),
});
