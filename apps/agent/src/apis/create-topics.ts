import {
  ErrorCode,
  ApiKey,
  ZERO_UUID,
  defaultCreateTopicsResponse,
  type CreateTopicsRequest,
  type CreateTopicsRequestCreatableTopic,
  type CreateTopicsResponse,
  type CreateTopicsResponseCreatableTopicResult,
} from "@streambed/protocol";
import { TopicExistsError, type TopicConfigs } from "../metadata/metadata-store.ts";
import type { ClusterSettings } from "../server/cluster-settings.ts";
import { defineApi, type RequestContext } from "../server/api-handler.ts";
import {
  InvalidTopicConfigError,
  describeTopicConfigs,
  validateTopicConfig,
} from "../topics/topic-configs.ts";
import { topicNameProblem } from "../topics/topic-lookup.ts";
import { access, mayCreateTopic } from "../acl/authorize.ts";

/** More partitions than this in one topic is a mistake, not a plan. */
export const MAX_PARTITIONS_PER_TOPIC = 10_000;

type TopicResult = CreateTopicsResponseCreatableTopicResult;

function failure(
  topic: CreateTopicsRequestCreatableTopic,
  errorCode: number,
  errorMessage: string,
): TopicResult {
  return {
    name: topic.name,
    topicId: ZERO_UUID,
    errorCode,
    errorMessage,
    topicConfigErrorCode: ErrorCode.NONE,
    numPartitions: -1,
    replicationFactor: -1,
    configs: null,
  };
}

/** The partition count asked for (explicit, by assignment, or the cluster default), or an error. */
function partitionCount(
  topic: CreateTopicsRequestCreatableTopic,
  settings: ClusterSettings,
): number | string {
  if (topic.assignments.length > 0) {
    if (topic.numPartitions !== -1 || topic.replicationFactor !== -1)
      return "numPartitions and replicationFactor must be -1 with manual assignments";
    return topic.assignments.length;
  }
  const count = topic.numPartitions === -1 ? settings.defaultPartitions : topic.numPartitions;
  if (count < 1) return "number of partitions must be at least 1";
  if (count > MAX_PARTITIONS_PER_TOPIC)
    return `number of partitions must be at most ${MAX_PARTITIONS_PER_TOPIC}`;
  return count;
}

async function createTopic(
  topic: CreateTopicsRequestCreatableTopic,
  validateOnly: boolean,
  settings: ClusterSettings,
  ctx: RequestContext,
): Promise<TopicResult> {
  if (!mayCreateTopic(await access(ctx), topic.name))
    return failure(topic, ErrorCode.TOPIC_AUTHORIZATION_FAILED, "Topic authorization failed.");
  const nameProblem = topicNameProblem(topic.name);
  if (nameProblem) return failure(topic, ErrorCode.INVALID_TOPIC_EXCEPTION, nameProblem);
  const partitions = partitionCount(topic, settings);
  if (typeof partitions === "string")
    return failure(topic, ErrorCode.INVALID_PARTITIONS, partitions);
  // Durability comes from object storage: any factor is accepted and reported back as asked.
  if (topic.replicationFactor === 0 || topic.replicationFactor < -1) {
    return failure(
      topic,
      ErrorCode.INVALID_REPLICATION_FACTOR,
      "replication factor must be at least 1 (or -1 for the default)",
    );
  }
  const configs: TopicConfigs = {};
  try {
    for (const { name, value } of topic.configs) {
      validateTopicConfig(name, value);
      if (value !== null) configs[name] = value;
    }
  } catch (err) {
    if (err instanceof InvalidTopicConfigError)
      return failure(topic, ErrorCode.INVALID_CONFIG, err.message);
    throw err;
  }

  const { metadata, topics } = ctx.services;
  const clusterId = ctx.connection.clusterId;
  let topicId = ZERO_UUID;
  if (validateOnly) {
    if (await topics.get(clusterId, topic.name))
      return failure(topic, ErrorCode.TOPIC_ALREADY_EXISTS, `topic '${topic.name}' already exists`);
  } else {
    try {
      topicId = (await metadata.createTopic(clusterId, topic.name, partitions, configs)).id;
    } catch (err) {
      if (err instanceof TopicExistsError)
        return failure(
          topic,
          ErrorCode.TOPIC_ALREADY_EXISTS,
          `topic '${topic.name}' already exists`,
        );
      throw err;
    }
    topics.invalidate(clusterId, topic.name);
  }
  return {
    name: topic.name,
    topicId,
    errorCode: ErrorCode.NONE,
    errorMessage: null,
    topicConfigErrorCode: ErrorCode.NONE,
    numPartitions: partitions,
    replicationFactor: topic.replicationFactor === -1 ? 1 : topic.replicationFactor,
    configs: describeTopicConfigs(configs, settings).map((c) => ({
      name: c.name,
      value: c.value,
      readOnly: false,
      configSource: c.configSource,
      isSensitive: false,
    })),
  };
}

async function createTopics(
  request: CreateTopicsRequest,
  ctx: RequestContext,
): Promise<CreateTopicsResponse> {
  const settings = await ctx.services.clusterSettings.get(ctx.connection.clusterId);
  const counts = new Map<string, number>();
  for (const t of request.topics) counts.set(t.name, (counts.get(t.name) ?? 0) + 1);
  const results = await Promise.all(
    request.topics.map((topic) =>
      counts.get(topic.name)! > 1
        ? failure(topic, ErrorCode.INVALID_REQUEST, "topic named more than once in the request")
        : createTopic(topic, request.validateOnly, settings, ctx),
    ),
  );
  return { ...defaultCreateTopicsResponse(), topics: results };
}

export const createTopicsApi = defineApi<CreateTopicsRequest, CreateTopicsResponse>({
  apiKey: ApiKey.CreateTopics,
  minVersion: 2,
  maxVersion: 7,
  handle: createTopics,
  errorResponse(request, errorCode) {
    return {
      ...defaultCreateTopicsResponse(),
      topics: request.topics.map((t) => failure(t, errorCode, "request failed")),
    };
  },
});
