import {
  ErrorCode,
  ApiKey,
  ZERO_UUID,
  defaultDeleteTopicsResponse,
  type DeleteTopicsRequest,
  type DeleteTopicsResponse,
  type DeleteTopicsResponseDeletableTopicResult,
} from "@streambed/protocol";
import { defineApi, type RequestContext } from "../server/api-handler.ts";
import { access } from "../acl/authorize.ts";

type TopicResult = DeleteTopicsResponseDeletableTopicResult;

/** Topics to delete: by name before v6, by name or id from v6. */
function wantedTopics(
  request: DeleteTopicsRequest,
  version: number,
): { name: string | null; topicId: string }[] {
  return version >= 6
    ? request.topics
    : request.topicNames.map((name) => ({ name, topicId: ZERO_UUID }));
}

async function deleteTopic(
  wanted: { name: string | null; topicId: string },
  ctx: RequestContext,
): Promise<TopicResult> {
  const { metadata, topics } = ctx.services;
  const clusterId = ctx.connection.clusterId;
  const byId = wanted.name === null;
  const topic = byId
    ? await metadata.getTopicById(clusterId, wanted.topicId)
    : await metadata.getTopicByName(clusterId, wanted.name!);
  const unknown: TopicResult = {
    name: wanted.name,
    topicId: wanted.topicId,
    errorCode: byId ? ErrorCode.UNKNOWN_TOPIC_ID : ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
    errorMessage: "unknown topic",
  };
  const name = topic?.name ?? wanted.name;
  if (name !== null && !(await access(ctx)).allows("DELETE", "TOPIC", name))
    return { ...unknown, errorCode: ErrorCode.TOPIC_AUTHORIZATION_FAILED, errorMessage: null };
  if (!topic || !(await metadata.deleteTopic(clusterId, topic.id))) return unknown;
  topics.invalidate(clusterId, topic.name);
  return {
    name: topic.name,
    topicId: ctx.apiVersion >= 6 ? topic.id : ZERO_UUID,
    errorCode: ErrorCode.NONE,
    errorMessage: null,
  };
}

export const deleteTopicsApi = defineApi<DeleteTopicsRequest, DeleteTopicsResponse>({
  apiKey: ApiKey.DeleteTopics,
  minVersion: 1,
  maxVersion: 6,
  async handle(request, ctx) {
    const responses = await Promise.all(
      wantedTopics(request, ctx.apiVersion).map((t) => deleteTopic(t, ctx)),
    );
    return { ...defaultDeleteTopicsResponse(), responses };
  },
  errorResponse(request, errorCode, ctx) {
    return {
      ...defaultDeleteTopicsResponse(),
      responses: wantedTopics(request, ctx.apiVersion).map((t) => ({
        name: t.name,
        topicId: t.topicId,
        errorCode,
        errorMessage: null,
      })),
    };
  },
});
