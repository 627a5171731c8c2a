import {
  ErrorCode,
  ApiKey,
  ZERO_UUID,
  defaultDescribeTopicPartitionsResponse,
  type DescribeTopicPartitionsRequest,
  type DescribeTopicPartitionsResponse,
  type DescribeTopicPartitionsResponseTopic,
} from "@streambed/protocol";
import type { TopicInfo } from "../metadata/metadata-store.ts";
import { defineApi, type RequestContext } from "../server/api-handler.ts";
import { clusterViewFor, partitionReplicas } from "../cluster/brokers.ts";
import { access } from "../acl/authorize.ts";

type Topic = DescribeTopicPartitionsResponseTopic;

function unknownTopic(
  name: string,
  errorCode: number = ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
): Topic {
  return {
    errorCode,
    name,
    topicId: ZERO_UUID,
    isInternal: false,
    partitions: [],
    topicAuthorizedOperations: -2147483648,
  };
}

/** The topics asked for (all when none are named), sorted by name as Kafka pages through them. */
async function wantedTopics(
  request: DescribeTopicPartitionsRequest,
  ctx: RequestContext,
): Promise<(TopicInfo | Topic)[]> {
  const clusterId = ctx.connection.clusterId;
  const acl = await access(ctx);
  const describable = (name: string) => acl.allows("DESCRIBE", "TOPIC", name);
  if (request.topics.length === 0)
    return (await ctx.services.metadata.listTopics(clusterId))
      .filter((t) => describable(t.name))
      .sort((a, b) => (a.name < b.name ? -1 : 1));
  const names = [...new Set(request.topics.map((t) => t.name))].sort();
  const known = await ctx.services.topics.getMany(clusterId, names.filter(describable));
  return names.map((n) =>
    describable(n)
      ? (known.get(n) ?? unknownTopic(n))
      : unknownTopic(n, ErrorCode.TOPIC_AUTHORIZATION_FAILED),
  );
}

/** KIP-966's paginated replacement of Metadata for topic descriptions. */
export const describeTopicPartitionsApi = defineApi<
  DescribeTopicPartitionsRequest,
  DescribeTopicPartitionsResponse
>({
  apiKey: ApiKey.DescribeTopicPartitions,
  minVersion: 0,
  maxVersion: 0,
  async handle(request, ctx) {
    const [view, all] = await Promise.all([clusterViewFor(ctx), wantedTopics(request, ctx)]);
    const cursor = request.cursor;
    let budget = Math.max(1, request.responsePartitionLimit);
    const topics: Topic[] = [];
    let nextCursor: DescribeTopicPartitionsResponse["nextCursor"] = null;
    for (const topic of all) {
      const name = topic.name!;
      if (cursor && name < cursor.topicName) continue;
      if (!("partitionCount" in topic)) {
        topics.push(topic);
        continue;
      }
      const first = cursor && name === cursor.topicName ? cursor.partitionIndex : 0;
      if (budget === 0) {
        nextCursor = { topicName: name, partitionIndex: first };
        break;
      }
      const last = Math.min(topic.partitionCount, first + budget);
      budget -= last - first;
      topics.push({
        errorCode: ErrorCode.NONE,
        name,
        topicId: topic.id,
        isInternal: false,
        topicAuthorizedOperations: -2147483648,
        partitions: Array.from({ length: last - first }, (_, i) => {
          const { leaderId, replicaNodes } = partitionReplicas(view, topic.id, first + i);
          return {
            errorCode: ErrorCode.NONE,
            partitionIndex: first + i,
            leaderId,
            leaderEpoch: 0,
            replicaNodes,
            isrNodes: replicaNodes,
            eligibleLeaderReplicas: [],
            lastKnownElr: [],
            offlineReplicas: [],
          };
        }),
      });
      if (last < topic.partitionCount) {
        nextCursor = { topicName: name, partitionIndex: last };
        break;
      }
    }
    return { ...defaultDescribeTopicPartitionsResponse(), topics, nextCursor };
  },
  errorResponse(request, errorCode) {
    return {
      ...defaultDescribeTopicPartitionsResponse(),
      topics: request.topics.map((t) => ({ ...unknownTopic(t.name), errorCode })),
    };
  },
});
