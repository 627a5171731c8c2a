import { z } from "zod";
import { getGroup, listGroups, resetGroupOffsets } from "../groups/group-operations.ts";
import { resetTarget } from "../groups/offset-reset.ts";
import { topicName } from "../topics/schemas.ts";
import { clusterParams, findApiCluster } from "./clusters.ts";
import { defineEndpoint } from "./endpoint.ts";
import { decodeCursor, pageOf, pageQuery, paginate } from "./pagination.ts";

const offset = z
  .string()
  .regex(/^-?\d+$/)
  .meta({ description: "Integer as a decimal string" });
const groupParams = clusterParams.extend({ groupId: z.string().min(1).max(255) });

const groupSchema = z
  .object({
    groupId: z.string(),
    state: z.string().meta({ description: "Empty, Stable, PreparingRebalance, ..." }),
    members: z.int(),
    topics: z.array(z.string()),
    lag: offset.meta({ description: "Sum over its partitions" }),
  })
  .meta({ id: "ConsumerGroup" });

const partitionLagSchema = z
  .object({
    topic: z.string(),
    partition: z.int(),
    committedOffset: offset,
    highWatermark: offset.nullable(),
    lag: offset.nullable(),
  })
  .meta({ id: "PartitionLag" });

export const listGroupsEndpoint = defineEndpoint({
  method: "get",
  path: "/api/v1/clusters/{clusterId}/groups",
  operationId: "listConsumerGroups",
  tag: "Consumer groups",
  summary: "List consumer groups",
  access: "read",
  params: clusterParams,
  query: pageQuery,
  response: pageOf(groupSchema, "ConsumerGroupList"),
  notFound: true,
  async handle({ prisma, principal, params, query }) {
    const cluster = await findApiCluster(prisma, principal.organizationId, params.clusterId);
    const after = decodeCursor(query.cursor);
    const groups = (await listGroups(prisma, cluster.id)).filter(
      (g) => after === undefined || g.groupId > after,
    );
    return paginate(
      groups.slice(0, query.limit + 1),
      query.limit,
      (g) => g.groupId,
      (g) => ({
        groupId: g.groupId,
        state: g.state,
        members: g.members,
        topics: g.topics,
        lag: g.lag.toString(),
      }),
    );
  },
});

export const getGroupLagEndpoint = defineEndpoint({
  method: "get",
  path: "/api/v1/clusters/{clusterId}/groups/{groupId}/lag",
  operationId: "getConsumerGroupLag",
  tag: "Consumer groups",
  summary: "A group's lag per partition",
  access: "read",
  params: groupParams,
  response: z
    .object({
      data: z.object({
        groupId: z.string(),
        state: z.string(),
        partitions: z.array(partitionLagSchema),
      }),
    })
    .meta({ id: "ConsumerGroupLag" }),
  notFound: true,
  async handle({ prisma, principal, params }) {
    const cluster = await findApiCluster(prisma, principal.organizationId, params.clusterId);
    const group = await getGroup(prisma, cluster.id, params.groupId);
    return {
      data: {
        groupId: group.groupId,
        state: group.state,
        partitions: group.offsets.map((o) => ({
          topic: o.topic,
          partition: o.partition,
          committedOffset: o.committedOffset.toString(),
          highWatermark: o.highWatermark?.toString() ?? null,
          lag: o.lag?.toString() ?? null,
        })),
      },
    };
  },
});

export const resetGroupOffsetsEndpoint = defineEndpoint({
  method: "post",
  path: "/api/v1/clusters/{clusterId}/groups/{groupId}/offsets/reset",
  operationId: "resetConsumerGroupOffsets",
  tag: "Consumer groups",
  summary: "Reset a group's offsets",
  description:
    "Moves the committed offsets of one topic (all partitions, or those listed) to the earliest or latest offset, a timestamp or an offset. Refused with 409 while the group has active members, as Kafka does.",
  access: "write",
  params: groupParams,
  body: z.object({
    topic: topicName,
    partitions: z.array(z.int().min(0)).min(1).optional(),
    to: resetTarget,
  }),
  response: z
    .object({
      data: z.object({
        groupId: z.string(),
        topic: z.string(),
        partitions: z.array(
          z.object({
            partition: z.int(),
            committedOffset: offset,
            highWatermark: offset,
            lag: offset,
          }),
        ),
      }),
    })
    .meta({ id: "OffsetReset" }),
  notFound: true,
  async handle({ prisma, principal, actor, params, body }) {
    const cluster = await findApiCluster(prisma, principal.organizationId, params.clusterId);
    const result = await resetGroupOffsets(prisma, actor, cluster.id, {
      groupId: params.groupId,
      ...body,
    });
    return {
      data: {
        ...result,
        partitions: result.partitions.map((p) => ({
          partition: p.partition,
          committedOffset: p.committedOffset.toString(),
          highWatermark: p.highWatermark.toString(),
          lag: p.lag.toString(),
        })),
      },
    };
  },
});
