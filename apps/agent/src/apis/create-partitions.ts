import {
  ErrorCode,
  ApiKey,
  defaultCreatePartitionsResponse,
  type CreatePartitionsRequest,
  type CreatePartitionsRequestTopic,
  type CreatePartitionsResponse,
  type CreatePartitionsResponseTopicResult,
} from "@streambed/protocol";
import { InvalidPartitionCountError, UnknownTopicError } from "../metadata/metadata-store.ts";
import { defineApi, type RequestContext } from "../server/api-handler.ts";
import { MAX_PARTITIONS_PER_TOPIC } from "./create-topics.ts";
import { access } from "../acl/authorize.ts";

type TopicResult = CreatePartitionsResponseTopicResult;

function result(name: string, errorCode: number, errorMessage: string | null = null): TopicResult {
  return { name, errorCode, errorMessage };
}

async function createPartitions(
  topic: CreatePartitionsRequestTopic,
  validateOnly: boolean,
  ctx: RequestContext,
): Promise<TopicResult> {
  const { metadata, topics } = ctx.services;
  const clusterId = ctx.connection.clusterId;
  if (!(await access(ctx)).allows("ALTER", "TOPIC", topic.name))
    return result(topic.name, ErrorCode.TOPIC_AUTHORIZATION_FAILED);
  const current = await metadata.getTopicByName(clusterId, topic.name);
  if (!current)
    return result(
      topic.name,
      ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
      `unknown topic '${topic.name}'`,
    );
  if (topic.count <= current.partitionCount) {
    return result(
      topic.name,
      ErrorCode.INVALID_PARTITIONS,
      `topic has ${current.partitionCount} partitions; the new count must be larger`,
    );
  }
  if (topic.count > MAX_PARTITIONS_PER_TOPIC)
    return result(
      topic.name,
      ErrorCode.INVALID_PARTITIONS,
      `at most ${MAX_PARTITIONS_PER_TOPIC} partitions`,
    );
  if (
    topic.assignments !== null &&
    topic.assignments.length !== topic.count - current.partitionCount
  ) {
    return result(
      topic.name,
      ErrorCode.INVALID_REPLICA_ASSIGNMENT,
      "one assignment per new partition is required",
    );
  }
  if (validateOnly) return result(topic.name, ErrorCode.NONE);
  try {
    await metadata.addPartitions(clusterId, current.id, topic.count);
  } catch (err) {
    if (err instanceof InvalidPartitionCountError)
      return result(topic.name, ErrorCode.INVALID_PARTITIONS, err.message);
    if (err instanceof UnknownTopicError)
      return result(topic.name, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, err.message);
    throw err;
  }
  topics.invalidate(clusterId, topic.name);
  return result(topic.name, ErrorCode.NONE);
}

export const createPartitionsApi = defineApi<CreatePartitionsRequest, CreatePartitionsResponse>({
  apiKey: ApiKey.CreatePartitions,
  minVersion: 0,
  maxVersion: 3,
  async handle(request, ctx) {
    const seen = new Set<string>();
    const results = await Promise.all(
      request.topics.map((t) => {
        if (seen.has(t.name))
          return result(t.name, ErrorCode.INVALID_REQUEST, "topic named more than once");
        seen.add(t.name);
        return createPartitions(t, request.validateOnly, ctx);
      }),
    );
    return { ...defaultCreatePartitionsResponse(), results };
  },
  errorResponse(request, errorCode) {
    return {
      ...defaultCreatePartitionsResponse(),
      results: request.topics.map((t) => result(t.name, errorCode)),
    };
  },
});
