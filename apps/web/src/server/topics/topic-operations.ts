import type { PrismaClient, VirtualCluster } from "@streambed/db";
import type { z } from "zod";
import { auditAs, type Actor } from "../audit/actor.ts";
import { DomainError, notFound } from "../errors/domain-error.ts";
import { isUniqueViolation } from "../errors/unique-violation.ts";
import { decodeCursor, paginate } from "../rest-api/pagination.ts";
import type { createTopicInput } from "./schemas.ts";
import { maxPartitions } from "./schemas.ts";
import { describeTopicConfigs, validateTopicConfigChanges } from "./topic-configs.ts";
import { recentThroughput, retentionOf, storedBytes } from "./topic-stats.ts";

/*
 * Topic changes from the console and the REST API. They write the rows the agents read
 * (topics, partitions): agents look topics up by name with a one-second cache
 * (apps/agent/src/topics/topic-lookup.ts), so a deleted topic, a new config or new partitions
 * reach every agent within a second, with no message to send.
 */

type Cluster = Pick<
  VirtualCluster,
  "id" | "defaultPartitions" | "defaultRetentionMs" | "autoCreateTopics" | "requireSasl"
>;

async function findTopic(prisma: PrismaClient, clusterId: string, name: string) {
  const topic = await prisma.topic.findUnique({
    where: { clusterId_name: { clusterId, name } },
  });
  if (!topic) throw notFound(`Topic ${name} not found`);
  return topic;
}

export interface TopicSearch {
  /** Part of the name, any case. */
  search?: string;
  /** Names after this one (keyset paging: fast on the (cluster_id, name) index at any depth). */
  after?: string;
  limit?: number;
}

function topicsWhere(clusterId: string, options: TopicSearch) {
  return {
    clusterId,
    name: {
      ...(options.search ? { contains: options.search, mode: "insensitive" as const } : {}),
      ...(options.after !== undefined ? { gt: options.after } : {}),
    },
  };
}

/** How many of the cluster's topics match `search` (the total a paged list shows). */
export function countTopics(prisma: PrismaClient, clusterId: string, search?: string) {
  return prisma.topic.count({ where: topicsWhere(clusterId, { search }) });
}

/** The cluster's topics by name with sizes and throughput; `after`/`limit` page through them. */
export async function listTopics(
  prisma: PrismaClient,
  cluster: Cluster,
  options: TopicSearch = {},
) {
  const topics = await prisma.topic.findMany({
    where: topicsWhere(cluster.id, options),
    include: {
      partitions: { select: { partition: true, nextOffset: true, logStartOffset: true } },
    },
    orderBy: { name: "asc" },
    ...(options.limit !== undefined ? { take: options.limit } : {}),
  });
  const ids = topics.map((t) => t.id);
  const [bytes, throughput] = await Promise.all([
    storedBytes(prisma, cluster.id, ids),
    recentThroughput(prisma, cluster.id, ids),
  ]);
  return topics.map((t) => ({
    id: t.id,
    name: t.name,
    partitionCount: t.partitionCount,
    highWatermark: t.partitions.reduce((sum, p) => sum + p.nextOffset, 0n),
    messages: t.partitions.reduce((sum, p) => sum + (p.nextOffset - p.logStartOffset), 0n),
    storedBytes: bytes.filter((b) => b.topicId === t.id).reduce((sum, b) => sum + b.bytes, 0n),
    retentionMs: retentionOf(t.configs, cluster.defaultRetentionMs),
    recordsPerSecond: throughput.find((r) => r.topicId === t.id)?.recordsPerSecond ?? 0,
    bytesPerSecond: throughput.find((r) => r.topicId === t.id)?.bytesPerSecond ?? 0,
    createdAt: t.createdAt,
  }));
}

/**
 * The topics page's data: one page of the search's topics by name, the cursor of the next page
 * and how many topics match in all.
 */
export async function listTopicPage(
  prisma: PrismaClient,
  cluster: Cluster,
  page: { search?: string; cursor?: string; limit: number },
) {
  const [rows, total] = await Promise.all([
    listTopics(prisma, cluster, {
      search: page.search,
      after: decodeCursor(page.cursor),
      limit: page.limit + 1,
    }),
    countTopics(prisma, cluster.id, page.search),
  ]);
  const { data, nextCursor } = paginate(
    rows,
    page.limit,
    (t) => t.name,
    (t) => t,
  );
  return { topics: data, nextCursor, total };
}

/** One topic with its partitions and every config (own value or default, type, description). */
export async function getTopic(prisma: PrismaClient, cluster: Cluster, name: string) {
  const topic = await prisma.topic.findUnique({
    where: { clusterId_name: { clusterId: cluster.id, name } },
    include: { partitions: { orderBy: { partition: "asc" } } },
  });
  if (!topic) throw notFound(`Topic ${name} not found`);
  const bytes = await storedBytes(prisma, cluster.id, [topic.id]);
  return {
    id: topic.id,
    name: topic.name,
    createdAt: topic.createdAt,
    configs: topic.configs as Record<string, string>,
    describedConfigs: describeTopicConfigs(topic.configs, cluster),
    retentionMs: retentionOf(topic.configs, cluster.defaultRetentionMs),
    partitions: topic.partitions.map((p) => ({
      partition: p.partition,
      logStartOffset: p.logStartOffset,
      highWatermark: p.nextOffset,
      leaderEpoch: p.leaderEpoch,
      storedBytes: bytes.find((b) => b.partition === p.partition)?.bytes ?? 0n,
    })),
  };
}

/** Writes the topic and partition rows the agents read, so clients see the topic at once. */
export async function createTopic(
  prisma: PrismaClient,
  actor: Actor,
  cluster: Cluster,
  input: z.infer<typeof createTopicInput>,
) {
  const partitions = input.partitions ?? cluster.defaultPartitions;
  const configs: Record<string, string> = { "cleanup.policy": input.cleanupPolicy };
  if (input.retentionMs !== undefined) configs["retention.ms"] = String(input.retentionMs);
  try {
    return await prisma.$transaction(async (tx) => {
      const topic = await tx.topic.create({
        data: {
          clusterId: cluster.id,
          name: input.name,
          partitionCount: partitions,
          configs,
          partitions: {
            create: Array.from({ length: partitions }, (_, partition) => ({
              partition,
              clusterId: cluster.id,
            })),
          },
        },
      });
      await auditAs(tx, actor, {
        action: "topic.created",
        targetType: "topic",
        targetId: topic.id,
        metadata: { clusterId: cluster.id, name: topic.name, partitions },
      });
      return { id: topic.id, name: topic.name, partitionCount: partitions };
    });
  } catch (err) {
    if (isUniqueViolation(err))
      throw new DomainError("conflict", `Topic ${input.name} already exists`);
    throw err;
  }
}

/** Deletes the topic after the caller typed its name, as Kafka's DeleteTopics does without asking. */
export async function deleteTopic(
  prisma: PrismaClient,
  actor: Actor,
  cluster: Cluster,
  name: string,
  confirmName: string,
) {
  const topic = await findTopic(prisma, cluster.id, name);
  if (confirmName !== topic.name)
    throw new DomainError("invalid", "Type the topic's name to confirm");
  await prisma.$transaction(async (tx) => {
    // Partitions and their index rows go with the topic (cascade); the objects become garbage for retention.
    await tx.topic.delete({ where: { id: topic.id } });
    await tx.committedOffset.deleteMany({ where: { clusterId: cluster.id, topic: topic.name } });
    await auditAs(tx, actor, {
      action: "topic.deleted",
      targetType: "topic",
      targetId: topic.id,
      metadata: { clusterId: cluster.id, name: topic.name },
    });
  });
  return { id: topic.id };
}

/**
 * Sets topic configs (null: back to the default), validated with the agents' own definitions and
 * merged in one statement so a concurrent AlterConfigs from a Kafka client is not lost.
 */
export async function updateTopicConfigs(
  prisma: PrismaClient,
  actor: Actor,
  cluster: Cluster,
  name: string,
  changes: Record<string, string | null>,
) {
  validateTopicConfigChanges(changes);
  const topic = await findTopic(prisma, cluster.id, name);
  const set = Object.fromEntries(Object.entries(changes).filter(([, v]) => v !== null));
  const removed = Object.keys(changes).filter((k) => changes[k] === null);
  const configs = await prisma.$transaction(async (tx) => {
    const rows = await tx.$queryRaw<{ configs: Record<string, string> }[]>`
      UPDATE topics SET configs = (configs || ${JSON.stringify(set)}::jsonb) - ${removed}::text[]
      WHERE id = ${topic.id}::uuid RETURNING configs`;
    if (!rows[0]) throw notFound(`Topic ${name} not found`);
    await auditAs(tx, actor, {
      action: "topic.configs_changed",
      targetType: "topic",
      targetId: topic.id,
      metadata: { clusterId: cluster.id, name, changes },
    });
    return rows[0].configs;
  });
  return describeTopicConfigs(configs, cluster);
}

/** Raises the partition count (never lowers it, as Kafka); new partitions start empty. */
export async function addPartitions(
  prisma: PrismaClient,
  actor: Actor,
  cluster: Cluster,
  name: string,
  partitionCount: number,
) {
  const topic = await findTopic(prisma, cluster.id, name);
  return prisma.$transaction(async (tx) => {
    // The same lock the agents' CreatePartitions takes, so two raises cannot interleave.
    const rows = await tx.$queryRaw<{ partition_count: number }[]>`
      SELECT partition_count FROM topics WHERE id = ${topic.id}::uuid FOR UPDATE`;
    const current = rows[0]?.partition_count;
    if (current === undefined) throw notFound(`Topic ${name} not found`);
    if (partitionCount <= current)
      throw new DomainError(
        "invalid",
        `The topic has ${current} partitions; the new count must be larger`,
      );
    if (partitionCount > maxPartitions)
      throw new DomainError("invalid", `At most ${maxPartitions} partitions`);
    await tx.topic.update({ where: { id: topic.id }, data: { partitionCount } });
    await tx.partition.createMany({
      data: Array.from({ length: partitionCount - current }, (_, i) => ({
        topicId: topic.id,
        partition: current + i,
        clusterId: cluster.id,
      })),
    });
    await auditAs(tx, actor, {
      action: "topic.partitions_added",
      targetType: "topic",
      targetId: topic.id,
      metadata: { clusterId: cluster.id, name, from: current, to: partitionCount },
    });
    return { id: topic.id, name, partitionCount };
  });
}
