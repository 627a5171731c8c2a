import type { Prisma, PrismaClient } from "@streambed/db";
import { auditAs, type Actor } from "../audit/actor.ts";
import { DomainError, notFound } from "../errors/domain-error.ts";
import { partitionLag } from "./group-lag.ts";
import { decodeMemberAssignment } from "./member-assignment.ts";
import { resolveResetOffsets, type ResetTarget } from "./offset-reset.ts";
import { kafkaText } from "./kafka-text.ts";

/*
 * Consumer groups as the console and the REST API see and change them. Agents keep a group in
 * memory only while it has members (an empty one is unloaded within a second and read again from
 * consumer_groups when asked for) and read committed offsets from committed_offsets on every
 * OffsetFetch; so changes here are refused while a group has members, as Kafka refuses them, and
 * take effect on the next OffsetFetch otherwise.
 */

const hwmKey = (topic: string, partition: number) => `${topic}\u0000${partition}`;

/**
 * Each partition's high watermark and last stable offset (LSO: the first offset of its oldest
 * open transaction, else the high watermark). Lag is counted to the LSO: records of transactions
 * still open are not yet readable by read_committed consumers (the usual consumers of
 * transactional topics); without open transactions the two are the same.
 */
async function highWatermarks(prisma: PrismaClient, clusterId: string, topics?: string[]) {
  const [partitions, open] = await Promise.all([
    prisma.partition.findMany({
      where: { clusterId, ...(topics ? { topic: { name: { in: topics } } } : {}) },
      select: {
        topicId: true,
        partition: true,
        nextOffset: true,
        topic: { select: { name: true } },
      },
    }),
    prisma.transactionPartition.groupBy({
      by: ["topicId", "partition"],
      where: { clusterId, firstOffset: { not: null } },
      _min: { firstOffset: true },
    }),
  ]);
  const firstOpen = new Map(open.map((o) => [`${o.topicId}:${o.partition}`, o._min.firstOffset]));
  return new Map(
    partitions.map((p) => {
      const first = firstOpen.get(`${p.topicId}:${p.partition}`);
      const lastStableOffset = first != null && first < p.nextOffset ? first : p.nextOffset;
      return [hwmKey(p.topic.name, p.partition), { highWatermark: p.nextOffset, lastStableOffset }];
    }),
  );
}

function memberCount(members: unknown): number {
  return Array.isArray(members) ? members.length : 0;
}

/** Every group of the cluster with its state, members, topics and total lag. */
export async function listGroups(prisma: PrismaClient, clusterId: string) {
  const [groups, offsets, hwm] = await Promise.all([
    prisma.consumerGroup.findMany({ where: { clusterId } }),
    prisma.committedOffset.findMany({ where: { clusterId } }),
    highWatermarks(prisma, clusterId),
  ]);
  // Groups that only commit offsets (manual assignment) have no consumer_groups row but still show up.
  const ids = [
    ...new Set([...groups.map((g) => g.groupId), ...offsets.map((o) => o.groupId)]),
  ].sort();
  return ids.map((groupId) => {
    const group = groups.find((g) => g.groupId === groupId);
    const committed = offsets.filter((o) => o.groupId === groupId);
    const lag = committed.reduce(
      (sum, o) =>
        sum +
        (partitionLag(hwm.get(hwmKey(o.topic, o.partition))?.lastStableOffset, o.committedOffset) ??
          0n),
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
}

/** One group: members with their assignments, committed offsets with lag per partition. */
export async function getGroup(prisma: PrismaClient, clusterId: string, groupId: string) {
  const [group, offsets] = await Promise.all([
    prisma.consumerGroup.findUnique({ where: { clusterId_groupId: { clusterId, groupId } } }),
    prisma.committedOffset.findMany({
      where: { clusterId, groupId },
      orderBy: [{ topic: "asc" }, { partition: "asc" }],
    }),
  ]);
  if (!group && offsets.length === 0) throw notFound(`Consumer group ${groupId} not found`);
  const hwm = await highWatermarks(prisma, clusterId, [...new Set(offsets.map((o) => o.topic))]);
  const members = Array.isArray(group?.members)
    ? (group.members as Array<Record<string, unknown>>)
    : [];
  return {
    groupId,
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
      const head = hwm.get(hwmKey(o.topic, o.partition));
      return {
        topic: o.topic,
        partition: o.partition,
        committedOffset: o.committedOffset,
        highWatermark: head?.highWatermark ?? null,
        lastStableOffset: head?.lastStableOffset ?? null,
        lag: partitionLag(head?.lastStableOffset, o.committedOffset),
        committedAt: o.committedAt,
      };
    }),
  };
}

/**
 * Locks the group's row (an agent persisting the group waits for us) and refuses while it has
 * members: Kafka answers NON_EMPTY_GROUP there. Returns whether a row exists.
 */
async function lockInactiveGroup(
  tx: Prisma.TransactionClient,
  clusterId: string,
  groupId: string,
  doing: string,
): Promise<boolean> {
  const rows = await tx.$queryRaw<{ state: string; members: number }[]>`
    SELECT state, json_array_length(members)::int AS members FROM consumer_groups
     WHERE cluster_id = ${clusterId} AND group_id = ${groupId} FOR UPDATE`;
  const row = rows[0];
  if (row && (row.members > 0 || (row.state !== "Empty" && row.state !== "Dead")))
    throw new DomainError(
      "conflict",
      `Consumer group ${groupId} has ${row.members} active member${row.members === 1 ? "" : "s"} (${row.state}): stop its consumers before you ${doing}`,
    );
  return row !== undefined;
}

export interface ResetOffsetsInput {
  groupId: string;
  topic: string;
  /** All partitions of the topic when absent. */
  partitions?: number[];
  to: ResetTarget;
}

/** Moves an inactive group's committed offsets of one topic (or some of its partitions). */
export async function resetGroupOffsets(
  prisma: PrismaClient,
  actor: Actor,
  clusterId: string,
  input: ResetOffsetsInput,
) {
  const topic = await prisma.topic.findUnique({
    where: { clusterId_name: { clusterId, name: input.topic } },
    include: { partitions: { orderBy: { partition: "asc" } } },
  });
  if (!topic) throw notFound(`Topic ${input.topic} not found`);
  const wanted = input.partitions ? new Set(input.partitions) : null;
  const missing = input.partitions?.filter(
    (p) => !topic.partitions.some((tp) => tp.partition === p),
  );
  if (missing?.length)
    throw new DomainError("invalid", `Topic ${topic.name} has no partition ${missing.join(", ")}`);
  const partitions = topic.partitions
    .filter((p) => !wanted || wanted.has(p.partition))
    .map((p) => ({
      partition: p.partition,
      logStartOffset: p.logStartOffset,
      highWatermark: p.nextOffset,
    }));
  return prisma.$transaction(async (tx) => {
    await lockInactiveGroup(tx, clusterId, input.groupId, "resetting its offsets");
    const offsets = await resolveResetOffsets(tx, topic.id, partitions, input.to);
    const entries = [...offsets];
    await tx.$executeRaw`
      INSERT INTO committed_offsets (cluster_id, group_id, topic, partition, committed_offset, leader_epoch, metadata, committed_at)
      SELECT ${clusterId}, ${input.groupId}, ${topic.name}, p, o, -1, NULL, now()
        FROM unnest(${entries.map(([p]) => p)}::int[], ${entries.map(([, o]) => o.toString())}::bigint[]) AS x(p, o)
      ON CONFLICT (cluster_id, group_id, topic, partition) DO UPDATE SET
        committed_offset = EXCLUDED.committed_offset, leader_epoch = -1, metadata = NULL,
        committed_at = EXCLUDED.committed_at, expires_at = NULL`;
    const target =
      input.to.kind === "offset"
        ? { kind: "offset", offset: input.to.offset.toString() }
        : input.to.kind === "timestamp"
          ? { kind: "timestamp", timestamp: input.to.timestamp }
          : { kind: input.to.kind };
    await auditAs(tx, actor, {
      action: "group.offsets_reset",
      targetType: "consumer_group",
      targetId: input.groupId,
      metadata: {
        clusterId,
        topic: topic.name,
        to: target,
        offsets: Object.fromEntries(entries.map(([p, o]) => [String(p), o.toString()])),
      },
    });
    return {
      groupId: input.groupId,
      topic: topic.name,
      partitions: partitions.map((p) => {
        const committedOffset = offsets.get(p.partition)!;
        return {
          partition: p.partition,
          committedOffset,
          highWatermark: p.highWatermark,
          lag: p.highWatermark - committedOffset,
        };
      }),
    };
  });
}

/** Deletes an inactive group and its committed offsets (Kafka's DeleteGroups). */
export async function deleteGroup(
  prisma: PrismaClient,
  actor: Actor,
  clusterId: string,
  groupId: string,
) {
  await prisma.$transaction(async (tx) => {
    const hasRow = await lockInactiveGroup(tx, clusterId, groupId, "deleting it");
    const { count } = await tx.committedOffset.deleteMany({ where: { clusterId, groupId } });
    if (!hasRow && count === 0) throw notFound(`Consumer group ${groupId} not found`);
    if (hasRow)
      await tx.consumerGroup.delete({ where: { clusterId_groupId: { clusterId, groupId } } });
    await auditAs(tx, actor, {
      action: "group.deleted",
      targetType: "consumer_group",
      targetId: groupId,
      metadata: { clusterId, offsetsDeleted: count },
    });
  });
  return { groupId };
}
