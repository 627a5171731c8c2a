import { z } from "zod";
import {
  deleteGroup,
  getGroup,
  listGroups,
  resetGroupOffsets,
} from "../groups/group-operations.ts";
import { resetTarget } from "../groups/offset-reset.ts";
import { topicName } from "../topics/schemas.ts";
import { clusterProcedure, router } from "../trpc.ts";

const groupId = z.string().min(1).max(255);

export const groupsRouter = router({
  list: clusterProcedure("read").query(({ ctx }) => listGroups(ctx.prisma, ctx.cluster.id)),

  get: clusterProcedure("read")
    .input(z.object({ groupId }))
    .query(({ ctx, input }) => getGroup(ctx.prisma, ctx.cluster.id, input.groupId)),

  resetOffsets: clusterProcedure("write")
    .input(
      z.object({
        groupId,
        topic: topicName,
        partitions: z.array(z.number().int().min(0)).min(1).optional(),
        to: resetTarget,
      }),
    )
    .mutation(({ ctx, input }) => {
      const { clusterId: _clusterId, ...reset } = input;
      return resetGroupOffsets(ctx.prisma, ctx.actor, ctx.cluster.id, reset);
    }),

  delete: clusterProcedure("write")
    .input(z.object({ groupId }))
    .mutation(({ ctx, input }) =>
      deleteGroup(ctx.prisma, ctx.actor, ctx.cluster.id, input.groupId),
    ),
});
