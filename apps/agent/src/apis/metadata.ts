import {
  ErrorCode,
  ApiKey,
  ZERO_UUID,
  defaultMetadataResponse,
  type MetadataRequest,
  type MetadataResponse,
  type MetadataResponseTopic,
} from "@streambed/protocol";
import type { TopicInfo } from "../metadata/metadata-store.ts";
import { defineApi, type RequestContext } from "../server/api-handler.ts";
import { clusterViewFor, partitionReplicas, type ClusterView } from "../cluster/brokers.ts";
import { topicNameProblem } from "../topics/topic-lookup.ts";
import { access, mayCreateTopic } from "../acl/authorize.ts";

/**
 * The topics asked for: every topic the principal may describe (null, or [] before v1), or each
 * named / identified one (TOPIC_AUTHORIZATION_FAILED when it may not be described, or created).
 */
async function resolveTopics(
  request: MetadataRequest,
  ctx: RequestContext,
): Promise<(MetadataResponseTopic | TopicInfo)[]> {
  const { metadata, topics, clusterSettings } = ctx.services;
  const clusterId = ctx.connection.clusterId;
  const acl = await access(ctx);
  const describable = (name: string) => acl.allows("DESCRIBE", "TOPIC", name);
  const allTopics =
    request.topics === null || (ctx.apiVersion === 0 && request.topics.length === 0);
  if (allTopics) return (await metadata.listTopics(clusterId)).filter((t) => describable(t.name));

  // Before v4 there is no flag: auto-creation is the broker's (here: the cluster's) decision.
  const allowAutoCreate = ctx.apiVersion < 4 || request.allowAutoTopicCreation;
  const settings = allowAutoCreate ? await clusterSettings.get(clusterId) : undefined;
  return Promise.all(
    request.topics!.map(async (wanted): Promise<MetadataResponseTopic | TopicInfo> => {
      if (wanted.name === null) {
        const topic = await metadata.getTopicById(clusterId, wanted.topicId);
        if (topic && !describable(topic.name))
          return topicError(ErrorCode.TOPIC_AUTHORIZATION_FAILED, null, wanted.topicId);
        return topic ?? topicError(ErrorCode.UNKNOWN_TOPIC_ID, null, wanted.topicId);
      }
      if (topicNameProblem(wanted.name))
        return topicError(ErrorCode.INVALID_TOPIC_EXCEPTION, wanted.name);
      if (!describable(wanted.name))
        return topicError(ErrorCode.TOPIC_AUTHORIZATION_FAILED, wanted.name);
      const autoCreate = settings?.autoCreateTopics === true;
      if (autoCreate && mayCreateTopic(acl, wanted.name))
        return topics.getOrCreate(clusterId, wanted.name, settings!);
      const topic = await topics.get(clusterId, wanted.name);
      // Kafka's answer when the topic would be auto-created but the principal may not create it.
      const missing = autoCreate
        ? ErrorCode.TOPIC_AUTHORIZATION_FAILED
        : ErrorCode.UNKNOWN_TOPIC_OR_PARTITION;
      return topic ?? topicError(missing, wanted.name);
    }),
  );
}

function topicError(
  errorCode: number,
  name: string | null,
  topicId = ZERO_UUID,
): MetadataResponseTopic {
  return {
    errorCode,
    name,
    topicId,
    isInternal: false,
    partitions: [],
    topicAuthorizedOperations: -2147483648,
  };
}

function describeTopic(topic: TopicInfo, view: ClusterView): MetadataResponseTopic {
  return {
    errorCode: ErrorCode.NONE,
    name: topic.name,
    topicId: topic.id,
    isInternal: false,
    topicAuthorizedOperations: -2147483648,
    partitions: Array.from({ length: topic.partitionCount }, (_, partitionIndex) => {
      const { leaderId, replicaNodes } = partitionReplicas(view, topic.id, partitionIndex);
      return {
        errorCode: ErrorCode.NONE,
        partitionIndex,
        leaderId,
        leaderEpoch: 0,
        // Every agent can serve every partition; durability comes from object storage.
        replicaNodes,
        isrNodes: replicaNodes,
        offlineReplicas: [],
      };
    }),
  };
}

export const metadataApi = defineApi<MetadataRequest, MetadataResponse>({
  apiKey: ApiKey.Metadata,
  minVersion: 0,
  maxVersion: 12,
  async handle(request, ctx) {
    const [view, topics] = await Promise.all([clusterViewFor(ctx), resolveTopics(request, ctx)]);
    const { brokers } = view;
    return {
      ...defaultMetadataResponse(),
      brokers: brokers.map((b) => ({ nodeId: b.nodeId, host: b.host, port: b.port, rack: b.rack })),
      clusterId: ctx.connection.clusterId,
      controllerId: brokers[0]?.nodeId ?? -1,
      topics: topics.map((t) => ("partitionCount" in t ? describeTopic(t, view) : t)),
      clusterAuthorizedOperations: -2147483648,
    };
  },
  errorResponse(request, errorCode) {
    return {
      ...defaultMetadataResponse(),
      topics: (request.topics ?? []).map((t) => topicError(errorCode, t.name, t.topicId)),
    };
  },
});
