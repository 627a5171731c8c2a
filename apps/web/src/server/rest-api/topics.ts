import { z } from "zod";
import { createTopicInput, topicConfigChanges, topicName } from "../topics/schemas.ts";
import {
  createTopic,
  deleteTopic,
  getTopic,
  listTopics,
  updateTopicConfigs,
} from "../topics/topic-operations.ts";
import { clusterParams, findOwnCluster } from "./clusters.ts";
import { defineEndpoint } from "./endpoint.ts";
import { decodeCursor, pageOf, pageQuery, paginate } from "./pagination.ts";

const count = z.string().regex(/^\d+$/).meta({ description: "Integer as a decimal string" });

const topicSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    partitionCount: z.int(),
    messages: count,
    storedBytes: count,
    retentionMs: z.string().regex(/^-?\d+$/),
    createdAt: z.iso.datetime(),
  })
  .meta({ id: "Topic" });

const topicConfigSchema = z
  .object({
    name: z.string().meta({ example: "retention.ms" }),
    value: z.string(),
    override: z.string().nullable().meta({ description: "The topic's own value; null: default" }),
    default: z.string(),
    type: z.string().meta({ description: "Kafka's config type: long, int, string, list, ..." }),
    description: z.string(),
  })
  .meta({ id: "TopicConfig" });

const topicParams = clusterParams.extend({ topic: topicName });

export const listTopicsEndpoint = defineEndpoint({
  method: "get",
  path: "/api/v1/clusters/{clusterId}/topics",
  operationId: "listTopics",
  tag: "Topics",
  summary: "List topics",
  description: "Topics by name, a page at a time; `search` keeps those whose name contains it.",
  access: "read",
  params: clusterParams,
  query: pageQuery.extend({
    search: z.string().trim().max(249).optional().meta({
      description: "Only topics whose name contains this, in any case",
    }),
  }),
  response: pageOf(topicSchema, "TopicList"),
  notFound: true,
  async handle({ prisma, principal, params, query }) {
    const cluster = await findOwnCluster(prisma, principal.organizationId, params.clusterId);
    const rows = await listTopics(prisma, cluster, {
      search: query.search,
      after: decodeCursor(query.cursor),
      limit: query.limit + 1,
    });
    return paginate(
      rows,
      query.limit,
      (t) => t.name,
      (t) => ({
        id: t.id,
        name: t.name,
        partitionCount: t.partitionCount,
        messages: t.messages.toString(),
        storedBytes: t.storedBytes.toString(),
        retentionMs: t.retentionMs.toString(),
        createdAt: t.createdAt.toISOString(),
      }),
    );
  },
});

export const createTopicEndpoint = defineEndpoint({
  method: "post",
  path: "/api/v1/clusters/{clusterId}/topics",
  operationId: "createTopic",
  tag: "Topics",
  summary: "Create a topic",
  description: "Kafka clients see it at once. Honours `Idempotency-Key`.",
  access: "write",
  status: 201,
  idempotent: true,
  params: clusterParams,
  body: createTopicInput,
  response: z
    .object({ data: z.object({ id: z.string(), name: z.string(), partitionCount: z.int() }) })
    .meta({ id: "NewTopic" }),
  notFound: true,
  async handle({ prisma, principal, actor, params, body }) {
    const cluster = await findOwnCluster(prisma, principal.organizationId, params.clusterId);
    return { data: await createTopic(prisma, actor, cluster, body) };
  },
});

export const deleteTopicEndpoint = defineEndpoint({
  method: "delete",
  path: "/api/v1/clusters/{clusterId}/topics/{topic}",
  operationId: "deleteTopic",
  tag: "Topics",
  summary: "Delete a topic",
  description: "With its partitions and the committed offsets of every group on it.",
  access: "write",
  params: topicParams,
  response: z.object({ data: z.object({ id: z.string() }) }).meta({ id: "DeletedTopic" }),
  notFound: true,
  async handle({ prisma, principal, actor, params }) {
    const cluster = await findOwnCluster(prisma, principal.organizationId, params.clusterId);
    return { data: await deleteTopic(prisma, actor, cluster, params.topic, params.topic) };
  },
});

export const getTopicConfigsEndpoint = defineEndpoint({
  method: "get",
  path: "/api/v1/clusters/{clusterId}/topics/{topic}/configs",
  operationId: "getTopicConfigs",
  tag: "Topics",
  summary: "Get a topic's configs",
  description:
    "Every config the agents accept, with the topic's value, default, type and description.",
  access: "read",
  params: topicParams,
  response: z.object({ data: z.array(topicConfigSchema) }).meta({ id: "TopicConfigList" }),
  notFound: true,
  async handle({ prisma, principal, params }) {
    const cluster = await findOwnCluster(prisma, principal.organizationId, params.clusterId);
    return { data: (await getTopic(prisma, cluster, params.topic)).describedConfigs };
  },
});

export const updateTopicConfigsEndpoint = defineEndpoint({
  method: "patch",
  path: "/api/v1/clusters/{clusterId}/topics/{topic}/configs",
  operationId: "updateTopicConfigs",
  tag: "Topics",
  summary: "Change a topic's configs",
  description:
    '`{"configs": {"retention.ms": "3600000", "max.message.bytes": null}}`: a value sets, null goes back to the default. Agents apply it within a second.',
  access: "write",
  params: topicParams,
  body: z.object({ configs: topicConfigChanges }),
  response: z.object({ data: z.array(topicConfigSchema) }).meta({ id: "TopicConfigList" }),
  notFound: true,
  async handle({ prisma, principal, actor, params, body }) {
    const cluster = await findOwnCluster(prisma, principal.organizationId, params.clusterId);
    return { data: await updateTopicConfigs(prisma, actor, cluster, params.topic, body.configs) };
  },
});
