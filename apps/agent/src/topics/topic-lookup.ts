import {
  MAX_TOPIC_NAME_LENGTH,
  topicNameProblem as topicNameRule,
} from "@streambed/protocol/topic-name";
import {
  TopicExistsError,
  type MetadataStore,
  type TopicInfo,
} from "../metadata/metadata-store.ts";
import type { ClusterSettings } from "../server/cluster-settings.ts";

/** How long a topic looked up by name is reused; changes made on other agents show up after it. */
const TOPIC_CACHE_MS = 1000;
/** Kafka's topic name rule, in the words the agent answers clients with; null when legal. */
export function topicNameProblem(name: string | null): string | null {
  switch (topicNameRule(name ?? "")) {
    case null:
      return null;
    case "empty":
      return "topic name is empty";
    case "dots":
      return "topic name cannot be '.' or '..'";
    case "too-long":
      return `topic name is longer than ${MAX_TOPIC_NAME_LENGTH} characters`;
    case "characters":
      return "topic name may only contain ASCII letters, digits, '.', '_' and '-'";
  }
}

/**
 * Topics by name and id with a short cache: Produce and Fetch resolve names on every request.
 * Admin APIs on this agent invalidate what they change.
 */
export class TopicLookup {
  private readonly byName = new Map<
    string,
    { at: number; topic: Promise<TopicInfo | undefined> }
  >();

  constructor(private readonly metadata: MetadataStore) {}

  get(clusterId: string, name: string): Promise<TopicInfo | undefined> {
    const key = `${clusterId}\u0000${name}`;
    const cached = this.byName.get(key);
    if (cached && Date.now() - cached.at < TOPIC_CACHE_MS) return cached.topic;
    const topic = this.metadata.getTopicByName(clusterId, name);
    this.byName.set(key, { at: Date.now(), topic });
    topic.then(
      (t) => t === undefined && this.byName.delete(key),
      () => this.byName.delete(key),
    );
    return topic;
  }

  async getMany(
    clusterId: string,
    names: readonly string[],
  ): Promise<Map<string, TopicInfo | undefined>> {
    const unique = [...new Set(names)];
    const topics = await Promise.all(unique.map((n) => this.get(clusterId, n)));
    return new Map(unique.map((n, i) => [n, topics[i]]));
  }

  /**
   * The topic, auto-created when missing with the cluster's default partition count and retention
   * (a concurrent creation wins).
   */
  async getOrCreate(
    clusterId: string,
    name: string,
    settings: ClusterSettings,
  ): Promise<TopicInfo> {
    const existing = await this.get(clusterId, name);
    if (existing) return existing;
    try {
      const configs = { "retention.ms": settings.defaultRetentionMs.toString() };
      const created = await this.metadata.createTopic(
        clusterId,
        name,
        settings.defaultPartitions,
        configs,
      );
      this.invalidate(clusterId, name);
      return created;
    } catch (err) {
      if (!(err instanceof TopicExistsError)) throw err;
      this.invalidate(clusterId, name);
      const topic = await this.get(clusterId, name);
      if (!topic) throw err;
      return topic;
    }
  }

  invalidate(clusterId: string, name: string): void {
    this.byName.delete(`${clusterId}\u0000${name}`);
  }
}
