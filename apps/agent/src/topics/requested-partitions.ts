import type { RequestContext } from "../server/api-handler.ts";
import type { TopicInfo } from "../metadata/metadata-store.ts";

export interface RequestedTopic {
  name: string;
  /** Undefined when the cluster has no topic of that name. */
  topic: TopicInfo | undefined;
  /** The partitions asked for: every partition of the topic when the request named none. */
  partitions: number[];
}

/**
 * Resolves the topics and partitions an admin request names; a null list means every topic of
 * the connection's cluster with all its partitions.
 */
export async function requestedPartitions(
  ctx: RequestContext,
  requested: readonly { name: string; partitions: readonly number[] | null }[] | null,
): Promise<RequestedTopic[]> {
  const clusterId = ctx.connection.clusterId;
  const all = (t: TopicInfo) => Array.from({ length: t.partitionCount }, (_, i) => i);
  if (requested === null) {
    const topics = await ctx.services.metadata.listTopics(clusterId);
    return topics
      .sort((a, b) => a.name.localeCompare(b.name))
      .map((topic) => ({ name: topic.name, topic, partitions: all(topic) }));
  }
  const known = await ctx.services.topics.getMany(clusterId, [
    ...new Set(requested.map((r) => r.name)),
  ]);
  return requested.map((r) => {
    const topic = known.get(r.name);
    return { name: r.name, topic, partitions: r.partitions ? [...r.partitions] : [] };
  });
}

/** Whether the topic exists and has that partition. */
export function hasPartition(
  t: RequestedTopic,
  partition: number,
): t is RequestedTopic & {
  topic: TopicInfo;
} {
  return t.topic !== undefined && partition >= 0 && partition < t.topic.partitionCount;
}
