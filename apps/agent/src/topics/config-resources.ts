import { ErrorCode } from "@streambed/protocol";
import type { AgentConfig } from "../config.ts";
import type { TopicInfo } from "../metadata/metadata-store.ts";
import type { RequestContext } from "../server/api-handler.ts";
import type { ClusterSettings } from "../server/cluster-settings.ts";
import {
  ConfigSource,
  describeBrokerTopicDefaults,
  type DescribedConfig,
} from "./topic-configs.ts";
import { CLUSTER_RESOURCE_NAME } from "../acl/acl-binding.ts";
import { access } from "../acl/authorize.ts";

/** Kafka's ConfigResource.Type. */
export const ResourceType = { TOPIC: 2, BROKER: 4, BROKER_LOGGER: 8 } as const;

/**
 * Broker configs as clients expect to read them (all read-only): fixed by the agent, derived from
 * the cluster's settings in the console, and the broker-level defaults every topic inherits.
 */
export function brokerConfigs(
  settings: ClusterSettings,
  agent: Pick<AgentConfig, "offsetsRetentionMinutes">,
): DescribedConfig[] {
  const entry = (
    name: string,
    value: string,
    type: number,
    documentation: string,
  ): DescribedConfig => ({
    name,
    value,
    type,
    documentation,
    configSource: ConfigSource.STATIC_BROKER_CONFIG,
    synonyms: [{ name, value, source: ConfigSource.STATIC_BROKER_CONFIG }],
  });
  const fixed = [
    entry(
      "auto.create.topics.enable",
      String(settings.autoCreateTopics),
      1,
      "Set per virtual cluster in the console.",
    ),
    entry(
      "num.partitions",
      String(settings.defaultPartitions),
      3,
      "Partitions of auto-created topics; set per virtual cluster.",
    ),
    entry("default.replication.factor", "1", 3, "Durability comes from object storage."),
    entry("delete.topic.enable", "true", 1, "Topics can always be deleted."),
    entry(
      "offsets.retention.minutes",
      String(agent.offsetsRetentionMinutes),
      3,
      "Committed offsets of a group empty this long are removed.",
    ),
  ];
  const named = new Set(fixed.map((c) => c.name));
  return [...fixed, ...describeBrokerTopicDefaults(settings).filter((c) => !named.has(c.name))];
}

export type ResolvedResource =
  { topic: TopicInfo } | { broker: true } | { errorCode: number; errorMessage: string };

/**
 * The topic or broker a config request names, or why it cannot be served (also when the principal
 * may not do `operation` on the topic, or on the cluster for a broker).
 */
export async function resolveConfigResource(
  ctx: RequestContext,
  resourceType: number,
  resourceName: string,
  operation: "DESCRIBE_CONFIGS" | "ALTER_CONFIGS",
): Promise<ResolvedResource> {
  const acl = await access(ctx);
  if (resourceType === ResourceType.BROKER)
    return acl.allows(operation, "CLUSTER", CLUSTER_RESOURCE_NAME)
      ? { broker: true }
      : {
          errorCode: ErrorCode.CLUSTER_AUTHORIZATION_FAILED,
          errorMessage: "Cluster authorization failed.",
        };
  if (resourceType !== ResourceType.TOPIC) {
    return {
      errorCode: ErrorCode.INVALID_REQUEST,
      errorMessage: `resource type ${resourceType} is not supported`,
    };
  }
  if (!acl.allows(operation, "TOPIC", resourceName))
    return {
      errorCode: ErrorCode.TOPIC_AUTHORIZATION_FAILED,
      errorMessage: "Topic authorization failed.",
    };
  const topic = await ctx.services.topics.get(ctx.connection.clusterId, resourceName);
  if (!topic)
    return {
      errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
      errorMessage: `unknown topic '${resourceName}'`,
    };
  return { topic };
}

/** The per-resource answer of AlterConfigs and IncrementalAlterConfigs (the same fields in both). */
export function configResourceResult(
  resource: { resourceType: number; resourceName: string },
  errorCode: number,
  errorMessage: string | null = null,
) {
  return {
    errorCode,
    errorMessage,
    resourceType: resource.resourceType,
    resourceName: resource.resourceName,
  };
}
