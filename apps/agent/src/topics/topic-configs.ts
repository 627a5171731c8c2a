import {
  clusterTopicDefaults,
  configTypeId,
  defaultTopicConfig,
  topicConfigDefinitions,
  topicConfigProblem,
  type TopicConfigDefinition,
} from "@streambed/protocol/configs/topic-configs";
import type { TopicConfigs } from "../metadata/metadata-store.ts";

export { defaultTopicConfig };
import type { ClusterSettings } from "../server/cluster-settings.ts";

/** Kafka's default max.message.bytes (1 MiB + record batch overhead). */
export const DEFAULT_MAX_MESSAGE_BYTES = Number(
  topicConfigDefinitions["max.message.bytes"]!.defaultValue,
);

export class InvalidTopicConfigError extends Error {
  override readonly name = "InvalidTopicConfigError";
  constructor(
    readonly key: string,
    message: string,
  ) {
    super(message);
  }
}

/** Throws InvalidTopicConfigError (Kafka's message) for an unknown key or a bad value. */
export function validateTopicConfig(key: string, value: string | null): void {
  const problem = topicConfigProblem(key, value);
  if (problem) throw new InvalidTopicConfigError(key, problem);
}

/** Largest batch a topic accepts. */
export function maxMessageBytes(configs: TopicConfigs): number {
  const value = configs["max.message.bytes"];
  return value === undefined ? DEFAULT_MAX_MESSAGE_BYTES : Number(value);
}

export function usesLogAppendTime(configs: TopicConfigs): boolean {
  return configs["message.timestamp.type"] === "LogAppendTime";
}

/** Kafka's config sources (DescribeConfigs v1+). */
export const ConfigSource = {
  DYNAMIC_TOPIC_CONFIG: 1,
  DYNAMIC_BROKER_CONFIG: 2,
  STATIC_BROKER_CONFIG: 4,
  DEFAULT_CONFIG: 5,
} as const;

export interface ConfigSynonym {
  name: string;
  value: string;
  source: number;
}

export interface DescribedConfig {
  name: string;
  value: string;
  configSource: number;
  /** DescribeConfigs v3+ configType. */
  type: number;
  documentation: string;
  /** Where the value could come from, highest precedence first (Kafka's synonyms). */
  synonyms: ConfigSynonym[];
}

/** The documentation DescribeConfigs gives: Kafka's meaning, then what Streambed does with it. */
export function configDocumentation(definition: TopicConfigDefinition): string {
  const effect = definition.effect === "no-effect" ? "No effect in Streambed: " : "Streambed: ";
  return `${definition.documentation} ${effect}${definition.note}`;
}

function describeOne(
  definition: TopicConfigDefinition,
  own: string | undefined,
  clusterValue: string | undefined,
): DescribedConfig {
  const { name, brokerSynonym, defaultValue } = definition;
  const synonyms: ConfigSynonym[] = [];
  if (own !== undefined)
    synonyms.push({ name, value: own, source: ConfigSource.DYNAMIC_TOPIC_CONFIG });
  if (clusterValue !== undefined && brokerSynonym !== null)
    synonyms.push({
      name: brokerSynonym,
      value: clusterValue,
      source: ConfigSource.STATIC_BROKER_CONFIG,
    });
  synonyms.push({
    name: brokerSynonym ?? name,
    value: defaultValue,
    source: ConfigSource.DEFAULT_CONFIG,
  });
  return {
    name,
    value: synonyms[0]!.value,
    configSource: synonyms[0]!.source,
    type: configTypeId(definition.type),
    documentation: configDocumentation(definition),
    synonyms,
  };
}

/** Every topic config Kafka defines, with the topic's own value, the cluster's or Kafka's. */
export function describeTopicConfigs(
  configs: TopicConfigs,
  settings: ClusterSettings,
): DescribedConfig[] {
  const cluster = clusterTopicDefaults(settings);
  return Object.values(topicConfigDefinitions).map((definition) =>
    describeOne(definition, configs[definition.name], cluster[definition.name]),
  );
}

/**
 * The broker-level defaults topics inherit (Kafka's broker synonyms of the topic configs), set by
 * the cluster or Kafka's own.
 */
export function describeBrokerTopicDefaults(settings: ClusterSettings): DescribedConfig[] {
  const cluster = clusterTopicDefaults(settings);
  return Object.values(topicConfigDefinitions)
    .filter((d) => d.brokerSynonym !== null)
    .map((definition) => {
      const described = describeOne(definition, undefined, cluster[definition.name]);
      return {
        ...described,
        name: definition.brokerSynonym!,
        documentation: `Default ${definition.name} of topics. ${described.documentation}`,
      };
    });
}
