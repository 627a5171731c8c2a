import {
  defaultTopicConfig,
  topicConfigDefinitions,
  topicConfigProblem,
} from "@streambed/protocol/configs/topic-configs";
import type { VirtualCluster } from "@streambed/db";
import { DomainError } from "../errors/domain-error.ts";

export interface DescribedTopicConfig {
  name: string;
  /** The topic's own value, else the default. */
  value: string;
  /** Null when the topic has no value of its own. */
  override: string | null;
  default: string;
  type: string;
  description: string;
}

type ClusterDefaults = Pick<
  VirtualCluster,
  "autoCreateTopics" | "defaultPartitions" | "defaultRetentionMs" | "requireSasl"
>;

/**
 * Every topic config the agents accept (the one table in @streambed/protocol, so the console offers
 * exactly what Kafka clients can set), with the topic's value, the default and what it means.
 */
export function describeTopicConfigs(
  configs: unknown,
  cluster: ClusterDefaults,
): DescribedTopicConfig[] {
  const own = (typeof configs === "object" && configs !== null ? configs : {}) as Record<
    string,
    unknown
  >;
  return Object.entries(topicConfigDefinitions)
    .map(([name, definition]) => {
      const fallback = defaultTopicConfig(name, cluster)!;
      const override = own[name] === undefined ? null : String(own[name]);
      return {
        name,
        value: override ?? fallback,
        override,
        default: fallback,
        type: definition.type,
        description: definition.documentation,
      };
    })
    .sort((a, b) => a.name.localeCompare(b.name));
}

/** Checks changes (null = back to the default) as the agents' AlterConfigs would. */
export function validateTopicConfigChanges(changes: Record<string, string | null>): void {
  for (const [key, value] of Object.entries(changes)) {
    const problem = topicConfigProblem(key, value);
    if (problem) throw new DomainError("invalid", problem);
  }
}
