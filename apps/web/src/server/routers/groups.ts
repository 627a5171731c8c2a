import { TRPCError } from "@trpc/server";
import { z } from "zod";
import { partitionLag } from "../groups/group-lag.ts";
import { kafkaText } from "../groups/kafka-text.ts";
import { decodeMemberAssignment } from "../groups/member-assignment.ts";
import { clusterProcedure, router } from "../trpc.ts";

function memberCount(members: unknown): number {
  return Array.isArray(members) ? members.length : 0;
}

export const groupsRouter = router({
  list: clusterProcedure("read").query(async ({ ctx }) => {
    const clusterId = ctx.cluster.id;
    const [groups, offsets, partitions] = await Promise.all([
      ctx.prisma.consumerGroup.findMany({ where: { clusterId } }),
      ctx.prisma.committedOffset.findMany({ where: { clusterId } }),
      ctx.prisma.partition.findMany({
        where: { clusterId },
        select: { partition: true, nextOffset: true, topic: { select: { name: true } } },
      }),
    ]);
    const hwm = new Map(
      partitions.map((p) => [`${p.topic.name}\u0000${p.partition}`, p.nextOffset]),
    );
    // Groups that only commit offsets (manual assignment) have no consumer_groups row but still show up.
    const ids = [
      ...new Set([...groups.map((g) => g.groupId), ...offsets.map((o) => o.groupId)]),
    ].sort();
    return ids.map((groupId) => {
      const group = groups.find((g) => g.groupId === groupId);
      const committed = offsets.filter((o) => o.groupId === groupId);
      const lag = committed.reduce(
        (sum, o) =>
          sum + (partitionLag(hwm.get(`${o.topic}\u0000${o.partition}`), o.committedOffset) ?? 0n),
        0n,
      );
      return {
        groupId,
        state: group?.state ?? "Empty",
        protocol: kafkaText(group?.protocolName),
        members: memberCount(group?.members),
        topics: [...new Set(committed.map((o) => o.topic))].sort(),
        lag,
        updatedAt:
          group?.updatedAt ??
          committed.reduce<Date | null>(
            (max, o) => (!max || o.committedAt > max ? o.committedAt : max),
            null,
          ),
      };
    });
  }),

  get: clusterProcedure("read")
    .input(z.object({ groupId: z.string().min(1).max(255) }))
    .query(async ({ ctx, input }) => {
      const clusterId = ctx.cluster.id;
      const [group, offsets] = await Promise.all([
        ctx.prisma.consumerGroup.findUnique({
          where: { clusterId_groupId: { clusterId, groupId: input.groupId } },
        }),
        ctx.prisma.committedOffset.findMany({
          where: { clusterId, groupId: input.groupId },
          orderBy: [{ topic: "asc" }, { partition: "asc" }],
        }),
      ]);
      if (!group && offsets.length === 0)
        throw new TRPCError({ code: "NOT_FOUND", message: "Consumer group not found" });
      const partitions = await ctx.prisma.partition.findMany({
        where: { clusterId, topic: { name: { in: [...new Set(offsets.map((o) => o.topic))] } } },
        select: { partition: true, nextOffset: true, topic: { select: { name: true } } },
      });
      const hwm = new Map(
        partitions.map((p) => [`${p.topic.name}\u0000${p.partition}`, p.nextOffset]),
      );
      const members = Array.isArray(group?.members)
        ? (group.members as Array<Record<string, unknown>>)
        : [];
      return {
        groupId: input.groupId,
        state: group?.state ?? "Empty",
        protocolType: kafkaText(group?.protocolType),
        protocol: kafkaText(group?.protocolName),
        generationId: group?.generationId ?? 0,
        leaderId: kafkaText(group?.leaderId),
        members: members.map((m) => ({
          memberId: String(m.memberId ?? ""),
          clientId: String(m.clientId ?? ""),
          clientHost: String(m.clientHost ?? ""),
          assignment: decodeMemberAssignment(m.assignment),
        })),
        offsets: offsets.map((o) => {
          const highWatermark = hwm.get(`${o.topic}\u0000${o.partition}`);
          return {
            topic: o.topic,
            partition: o.partition,
            committedOffset: o.committedOffset,
            highWatermark: highWatermark ?? null,
            lag: partitionLag(highWatermark, o.committedOffset),
            committedAt: o.committedAt,
          };
        }),
      };
    }),
});
