import type { TopicConfigs } from "../metadata/metadata-store.ts";
import { DEFAULT_MAX_MESSAGE_BYTES } from "../produce/validate-records.ts";

export const DEFAULT_MAX_MESSAGE_BYTES_TEXT = String(DEFAULT_MAX_MESSAGE_BYTES);
import type { ClusterSettings } from "../server/cluster-settings.ts";

/** A topic config the agent understands, with its Kafka default and validation. */
interface TopicConfigDefinition {
  /** Kafka's default; a function when it comes from the cluster's settings. */
  defaultValue: string | ((settings: ClusterSettings) => string);
  /** Kafka's config type, as DescribeConfigs v3+ reports it (1 boolean, 2 string, 3 int, 5 long, 7 list). */
  type: number;
  documentation: string;
  /** Null when the value is acceptable, else why not. */
  problem(value: string): string | null;
}

function long(min: bigint) {
  return (value: string): string | null => {
    if (!/^-?\d+$/.test(value)) return "must be an integer";
    return BigInt(value) < min ? `must be at least ${min}` : null;
  };
}

function oneOf(...allowed: string[]) {
  return (value: string): string | null =>
    allowed.includes(value) ? null : `must be one of ${allowed.join(", ")}`;
}

export const topicConfigDefinitions: Record<string, TopicConfigDefinition> = {
  "retention.ms": {
    defaultValue: (settings) => String(settings.defaultRetentionMs),
    type: 5,
    documentation: "How long records are kept before they may be deleted (-1 = forever).",
    problem: long(-1n),
  },
  "retention.bytes": {
    defaultValue: "-1",
    type: 5,
    documentation:
      "How many bytes a partition keeps before old records may be deleted (-1 = no limit).",
    problem: long(-1n),
  },
  "cleanup.policy": {
    defaultValue: "delete",
    type: 7,
    documentation:
      "delete: drop old records by retention; compact: keep the newest record per key.",
    problem: (value) => {
      const parts = value.split(",").map((p) => p.trim());
      return parts.length > 0 && parts.every((p) => p === "delete" || p === "compact")
        ? null
        : "must be delete, compact or both";
    },
  },
  "max.message.bytes": {
    defaultValue: DEFAULT_MAX_MESSAGE_BYTES_TEXT,
    type: 3,
    documentation: "Largest record batch accepted by Produce.",
    problem: (value) =>
      long(0n)(value) ?? (BigInt(value) > 0x7fffffffn ? "must fit in an int32" : null),
  },
  "message.timestamp.type": {
    defaultValue: "CreateTime",
    type: 2,
    documentation:
      "CreateTime keeps the producer's timestamps; LogAppendTime reports the commit time.",
    problem: oneOf("CreateTime", "LogAppendTime"),
  },
  "delete.retention.ms": {
    defaultValue: "86400000",
    type: 5,
    documentation:
      "Compacted topics: how long a tombstone (a null value) stays readable after it was written.",
    problem: long(0n),
  },
  "min.compaction.lag.ms": {
    defaultValue: "0",
    type: 5,
    documentation: "Compacted topics: how long a record stays uncompacted after it was written.",
    problem: long(0n),
  },
  "max.compaction.lag.ms": {
    defaultValue: "9223372036854775807",
    type: 5,
    documentation:
      "Compacted topics: at most how long a superseded record stays readable (plus one job interval).",
    problem: long(1n),
  },
  "min.cleanable.dirty.ratio": {
    defaultValue: "0.5",
    type: 6,
    documentation:
      "Compacted topics: share of a partition not yet compacted at which it is compacted.",
    problem: (value) => {
      const ratio = Number(value);
      return /^\d*\.?\d+$/.test(value) && ratio >= 0 && ratio <= 1
        ? null
        : "must be a number from 0 to 1";
    },
  },
  "segment.bytes": {
    defaultValue: "1073741824",
    type: 3,
    documentation: "Accepted for compatibility; storage is organised in objects, not segments.",
    problem: (value) =>
      long(14n)(value) ?? (BigInt(value) > 0x7fffffffn ? "must fit in an int32" : null),
  },
};

export class InvalidTopicConfigError extends Error {
  override readonly name = "InvalidTopicConfigError";
  constructor(
    readonly key: string,
    reason: string,
  ) {
    super(`invalid value for topic config ${key}: ${reason}`);
  }
}

/** Throws InvalidTopicConfigError for an unknown key or a bad value. */
export function validateTopicConfig(key: string, value: string | null): void {
  const definition = topicConfigDefinitions[key];
  if (!definition) throw new InvalidTopicConfigError(key, "unknown topic config");
  if (value === null) return;
  const problem = definition.problem(value);
  if (problem) throw new InvalidTopicConfigError(key, problem);
}

export function defaultTopicConfig(key: string, settings: ClusterSettings): string | undefined {
  const definition = topicConfigDefinitions[key];
  if (!definition) return undefined;
  return typeof definition.defaultValue === "string"
    ? definition.defaultValue
    : definition.defaultValue(settings);
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

export interface DescribedConfig {
  name: string;
  value: string;
  configSource: number;
  type: number;
  documentation: string;
}

/** Every topic config the agent knows, with the topic's own value or the default. */
export function describeTopicConfigs(
  configs: TopicConfigs,
  settings: ClusterSettings,
): DescribedConfig[] {
  return Object.entries(topicConfigDefinitions).map(([name, definition]) => {
    const own = configs[name];
    return {
      name,
      value: own ?? defaultTopicConfig(name, settings)!,
      configSource:
        own === undefined ? ConfigSource.DEFAULT_CONFIG : ConfigSource.DYNAMIC_TOPIC_CONFIG,
      type: definition.type,
      documentation: definition.documentation,
    };
  });
}
