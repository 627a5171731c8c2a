/**
 * Every topic config Kafka 3.9 defines (TopicConfig / LogConfig), with Kafka's type, default,
 * validation and broker-level synonym, and what Streambed does with it. Pure data and functions,
 * no Node imports: the console imports this module (`@streambed/protocol/configs/topic-configs`)
 * to show types, defaults and descriptions; the agent validates and describes with it.
 */

/** Kafka's ConfigType as DescribeConfigs v3+ reports it. */
export const ConfigType = {
  BOOLEAN: 1,
  STRING: 2,
  INT: 3,
  SHORT: 4,
  LONG: 5,
  DOUBLE: 6,
  LIST: 7,
} as const;

export type TopicConfigType = "boolean" | "string" | "int" | "long" | "double" | "list";

const CONFIG_TYPE_IDS: Record<TopicConfigType, number> = {
  boolean: ConfigType.BOOLEAN,
  string: ConfigType.STRING,
  int: ConfigType.INT,
  long: ConfigType.LONG,
  double: ConfigType.DOUBLE,
  list: ConfigType.LIST,
};

/**
 * - `applied`: the agent honours it.
 * - `compaction`: used by the compaction job of compacted topics.
 * - `no-effect`: accepted, stored and described, but meaningless in this design (no local
 *   segments, replicas or tiers: data lives in object storage); `note` says why.
 */
export type TopicConfigEffect = "applied" | "compaction" | "no-effect";

export interface TopicConfigDefinition {
  name: string;
  type: TopicConfigType;
  /** Kafka's default, as DescribeConfigs shows it ("" for an empty list). */
  defaultValue: string;
  /** The broker config that sets the default of every topic (Kafka's first synonym). */
  brokerSynonym: string | null;
  documentation: string;
  effect: TopicConfigEffect;
  /** Why a `no-effect` config changes nothing, or how an applied one is applied. */
  note: string;
  /** Inclusive bounds of a number (ints and longs as bigint-safe decimal strings). */
  min?: string;
  max?: string;
  /** The only values a string (or each item of a list) may take. */
  oneOf?: readonly string[];
  /** A problem with the value beyond type, range and oneOf (Kafka's custom validators). */
  check?: (value: string) => string | null;
}

const LONG_MAX = "9223372036854775807";
const INT_MAX = "2147483647";
const NO_SEGMENTS = "Storage is organised in objects written by the agents, not log segments.";
const NO_REPLICAS = "Durability comes from object storage; there are no replicas or leaders.";
const NO_TIERS = "All data is in object storage already: there is no local tier.";

const THROTTLED_REPLICAS = /^(\*|(\s*\d+\s*:\s*\d+\s*)(,\s*\d+\s*:\s*\d+\s*)*)?$/;
const KAFKA_VERSION = /^\d+\.\d+(\.\d+)?(-IV\d+)?$/;

function definitions(list: TopicConfigDefinition[]): Record<string, TopicConfigDefinition> {
  return Object.fromEntries(list.map((d) => [d.name, d]));
}

export const topicConfigDefinitions: Record<string, TopicConfigDefinition> = definitions([
  {
    name: "cleanup.policy",
    type: "list",
    defaultValue: "delete",
    brokerSynonym: "log.cleanup.policy",
    oneOf: ["compact", "delete"],
    documentation:
      'Retention policy for old records: "delete" drops them by age or size, "compact" keeps the latest value of each key; both may be given.',
    effect: "applied",
    note: "delete: the retention job drops whole objects' rows; compact: the compaction job.",
  },
  {
    name: "compression.type",
    type: "string",
    defaultValue: "producer",
    brokerSynonym: "compression.type",
    oneOf: ["uncompressed", "zstd", "lz4", "snappy", "gzip", "producer"],
    documentation:
      'Final compression of the topic\'s batches: a codec, "uncompressed", or "producer" to keep what the producer sent.',
    effect: "applied",
    note: "Batches in another codec are recompressed on produce.",
  },
  {
    name: "compression.gzip.level",
    type: "int",
    defaultValue: "-1",
    brokerSynonym: "compression.gzip.level",
    check: (v) =>
      v === "-1" || (Number(v) >= 1 && Number(v) <= 9)
        ? null
        : "Value must be between 1 and 9, or -1",
    documentation: "Compression level when compression.type is gzip.",
    effect: "no-effect",
    note: "The agent recompresses at each codec's default level.",
  },
  {
    name: "compression.lz4.level",
    type: "int",
    defaultValue: "9",
    brokerSynonym: "compression.lz4.level",
    min: "1",
    max: "17",
    documentation: "Compression level when compression.type is lz4.",
    effect: "no-effect",
    note: "The agent recompresses at each codec's default level.",
  },
  {
    name: "compression.zstd.level",
    type: "int",
    defaultValue: "3",
    brokerSynonym: "compression.zstd.level",
    min: "-131072",
    max: "22",
    documentation: "Compression level when compression.type is zstd.",
    effect: "no-effect",
    note: "The agent recompresses at each codec's default level.",
  },
  {
    name: "delete.retention.ms",
    type: "long",
    defaultValue: "86400000",
    brokerSynonym: "log.cleaner.delete.retention.ms",
    min: "0",
    documentation:
      "How long tombstones (records with a null value) are kept in a compacted topic, so consumers that read from the start see the delete.",
    effect: "compaction",
    note: "Tombstones older than this are dropped by compaction.",
  },
  {
    name: "file.delete.delay.ms",
    type: "long",
    defaultValue: "60000",
    brokerSynonym: "log.segment.delete.delay.ms",
    min: "0",
    documentation: "Time to wait before deleting a file from the filesystem.",
    effect: "no-effect",
    note: "Objects are deleted after the agent's own grace period.",
  },
  {
    name: "flush.messages",
    type: "long",
    defaultValue: LONG_MAX,
    brokerSynonym: "log.flush.interval.messages",
    min: "1",
    documentation: "Number of records written to a partition before an fsync of the log.",
    effect: "no-effect",
    note: "Every acknowledged record is already in object storage.",
  },
  {
    name: "flush.ms",
    type: "long",
    defaultValue: LONG_MAX,
    brokerSynonym: "log.flush.interval.ms",
    min: "0",
    documentation: "Time between fsyncs of the log.",
    effect: "no-effect",
    note: "Every acknowledged record is already in object storage.",
  },
  {
    name: "follower.replication.throttled.replicas",
    type: "list",
    defaultValue: "",
    brokerSynonym: null,
    check: throttledReplicas,
    documentation:
      'Replicas whose replication is throttled on the follower side: "partition:broker" pairs, or "*" for all.',
    effect: "no-effect",
    note: NO_REPLICAS,
  },
  {
    name: "index.interval.bytes",
    type: "int",
    defaultValue: "4096",
    brokerSynonym: "log.index.interval.bytes",
    min: "0",
    max: INT_MAX,
    documentation: "How often (in bytes) an entry is added to the offset index.",
    effect: "no-effect",
    note: "The agent indexes every batch's object and byte range.",
  },
  {
    name: "leader.replication.throttled.replicas",
    type: "list",
    defaultValue: "",
    brokerSynonym: null,
    check: throttledReplicas,
    documentation:
      'Replicas whose replication is throttled on the leader side: "partition:broker" pairs, or "*" for all.',
    effect: "no-effect",
    note: NO_REPLICAS,
  },
  {
    name: "local.retention.bytes",
    type: "long",
    defaultValue: "-2",
    brokerSynonym: "log.local.retention.bytes",
    min: "-2",
    documentation:
      "With tiered storage, bytes a partition keeps locally before local segments are deleted (-2: retention.bytes).",
    effect: "no-effect",
    note: NO_TIERS,
  },
  {
    name: "local.retention.ms",
    type: "long",
    defaultValue: "-2",
    brokerSynonym: "log.local.retention.ms",
    min: "-2",
    documentation:
      "With tiered storage, how long local segments are kept before deletion (-2: retention.ms).",
    effect: "no-effect",
    note: NO_TIERS,
  },
  {
    name: "max.compaction.lag.ms",
    type: "long",
    defaultValue: LONG_MAX,
    brokerSynonym: "log.cleaner.max.compaction.lag.ms",
    min: "1",
    documentation: "Longest time a record stays ineligible for compaction in a compacted topic.",
    effect: "compaction",
    note: "A superseded record is compacted away within this time (plus one job interval).",
  },
  {
    name: "max.message.bytes",
    type: "int",
    defaultValue: "1048588",
    brokerSynonym: "message.max.bytes",
    min: "0",
    max: INT_MAX,
    documentation: "Largest record batch size the topic accepts (after compression).",
    effect: "applied",
    note: "Produce answers MESSAGE_TOO_LARGE for a larger batch.",
  },
  {
    name: "message.downconversion.enable",
    type: "boolean",
    defaultValue: "true",
    brokerSynonym: "log.message.downconversion.enable",
    documentation: "Whether the broker converts record batches to old formats for old consumers.",
    effect: "no-effect",
    note: "Only the current record format (magic 2) is served.",
  },
  {
    name: "message.format.version",
    type: "string",
    defaultValue: "3.0-IV1",
    brokerSynonym: "log.message.format.version",
    check: (v) =>
      KAFKA_VERSION.test(v) ? null : "Version must be a Kafka version such as 2.8 or 3.0-IV1",
    documentation: "Deprecated: the record format version the broker appends in.",
    effect: "no-effect",
    note: "Only the current record format (magic 2) is stored.",
  },
  {
    name: "message.timestamp.after.max.ms",
    type: "long",
    defaultValue: LONG_MAX,
    brokerSynonym: "log.message.timestamp.after.max.ms",
    min: "0",
    documentation:
      "With CreateTime, how far ahead of the broker's clock a record's timestamp may be; later ones are refused.",
    effect: "applied",
    note: "Produce answers INVALID_TIMESTAMP for a batch stamped further ahead.",
  },
  {
    name: "message.timestamp.before.max.ms",
    type: "long",
    defaultValue: LONG_MAX,
    brokerSynonym: "log.message.timestamp.before.max.ms",
    min: "0",
    documentation:
      "With CreateTime, how far behind the broker's clock a record's timestamp may be; older ones are refused.",
    effect: "applied",
    note: "Produce answers INVALID_TIMESTAMP for a batch stamped further behind.",
  },
  {
    name: "message.timestamp.difference.max.ms",
    type: "long",
    defaultValue: LONG_MAX,
    brokerSynonym: "log.message.timestamp.difference.max.ms",
    min: "0",
    documentation:
      "Deprecated: largest difference between a record's CreateTime timestamp and the broker's clock.",
    effect: "no-effect",
    note: "Superseded by message.timestamp.before.max.ms and message.timestamp.after.max.ms.",
  },
  {
    name: "message.timestamp.type",
    type: "string",
    defaultValue: "CreateTime",
    brokerSynonym: "log.message.timestamp.type",
    oneOf: ["CreateTime", "LogAppendTime"],
    documentation: "Whether record timestamps are the producer's (CreateTime) or the append time.",
    effect: "applied",
    note: "LogAppendTime batches are stamped with the agent's clock on produce.",
  },
  {
    name: "min.cleanable.dirty.ratio",
    type: "double",
    defaultValue: "0.5",
    brokerSynonym: "log.cleaner.min.cleanable.ratio",
    min: "0",
    max: "1",
    documentation:
      "How much of a compacted log must be uncompacted before the cleaner compacts it.",
    effect: "compaction",
    note: "Compaction runs on the job's own schedule.",
  },
  {
    name: "min.compaction.lag.ms",
    type: "long",
    defaultValue: "0",
    brokerSynonym: "log.cleaner.min.compaction.lag.ms",
    min: "0",
    documentation: "Shortest time a record stays uncompacted in a compacted topic.",
    effect: "compaction",
    note: "Records younger than this are never compacted away.",
  },
  {
    name: "min.insync.replicas",
    type: "int",
    defaultValue: "1",
    brokerSynonym: "min.insync.replicas",
    min: "1",
    max: INT_MAX,
    documentation:
      "With acks=all, the fewest replicas that must acknowledge a write for it to succeed.",
    effect: "no-effect",
    note: `${NO_REPLICAS} Every acknowledged write is in object storage and committed.`,
  },
  {
    name: "preallocate",
    type: "boolean",
    defaultValue: "false",
    brokerSynonym: "log.preallocate",
    documentation: "Whether segment files are preallocated on disk.",
    effect: "no-effect",
    note: NO_SEGMENTS,
  },
  {
    name: "remote.log.copy.disable",
    type: "boolean",
    defaultValue: "false",
    brokerSynonym: null,
    documentation: "With tiered storage, stops copying segments to remote storage.",
    effect: "no-effect",
    note: NO_TIERS,
  },
  {
    name: "remote.log.delete.on.disable",
    type: "boolean",
    defaultValue: "false",
    brokerSynonym: null,
    documentation: "With tiered storage, deletes remote data when tiering is disabled.",
    effect: "no-effect",
    note: NO_TIERS,
  },
  {
    name: "remote.storage.enable",
    type: "boolean",
    defaultValue: "false",
    brokerSynonym: null,
    documentation: "Enables tiered storage for the topic.",
    effect: "no-effect",
    note: NO_TIERS,
  },
  {
    name: "retention.bytes",
    type: "long",
    defaultValue: "-1",
    brokerSynonym: "log.retention.bytes",
    documentation:
      'Bytes a partition keeps before old records are deleted with the "delete" policy (-1: no limit).',
    effect: "applied",
    note: "The retention job drops the oldest objects' rows of a larger partition.",
  },
  {
    name: "retention.ms",
    type: "long",
    defaultValue: "604800000",
    brokerSynonym: "log.retention.ms",
    min: "-1",
    documentation:
      'How long records are kept before they are deleted with the "delete" policy (-1: forever).',
    effect: "applied",
    note: "The retention job drops rows of objects older than this; the cluster sets the default.",
  },
  {
    name: "segment.bytes",
    type: "int",
    defaultValue: "1073741824",
    brokerSynonym: "log.segment.bytes",
    min: "14",
    max: INT_MAX,
    documentation: "Size of a log segment file; retention works a segment at a time.",
    effect: "no-effect",
    note: NO_SEGMENTS,
  },
  {
    name: "segment.index.bytes",
    type: "int",
    defaultValue: "10485760",
    brokerSynonym: "log.index.size.max.bytes",
    min: "4",
    max: INT_MAX,
    documentation: "Size of the index that maps offsets to file positions.",
    effect: "no-effect",
    note: NO_SEGMENTS,
  },
  {
    name: "segment.jitter.ms",
    type: "long",
    defaultValue: "0",
    brokerSynonym: "log.roll.jitter.ms",
    min: "0",
    documentation: "Largest random jitter subtracted from segment.ms.",
    effect: "no-effect",
    note: NO_SEGMENTS,
  },
  {
    name: "segment.ms",
    type: "long",
    defaultValue: "604800000",
    brokerSynonym: "log.roll.ms",
    min: "1",
    documentation: "Time after which a segment is rolled even if it is not full.",
    effect: "no-effect",
    note: NO_SEGMENTS,
  },
  {
    name: "unclean.leader.election.enable",
    type: "boolean",
    defaultValue: "false",
    brokerSynonym: "unclean.leader.election.enable",
    documentation: "Whether a replica outside the ISR may become leader, at the risk of data loss.",
    effect: "no-effect",
    note: `${NO_REPLICAS} Any agent serves any partition without losing data.`,
  },
]);

function throttledReplicas(value: string): string | null {
  return THROTTLED_REPLICAS.test(value.trim())
    ? null
    : "must be the literal '*' or a list of replicas in the following format: [partitionId]:[brokerId],[partitionId]:[brokerId],...";
}

const INTEGER = /^[-+]?\d+$/;
const DOUBLE = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/;
const TYPE_BOUNDS: Partial<Record<TopicConfigType, [bigint, bigint]>> = {
  int: [-(2n ** 31n), 2n ** 31n - 1n],
  long: [-(2n ** 63n), 2n ** 63n - 1n],
};

/** Why `value` is not a valid value of the number type, or null. */
function numberProblem(definition: TopicConfigDefinition, value: string): string | null {
  const { type, min, max } = definition;
  let n: number | bigint;
  if (type === "double") {
    if (!DOUBLE.test(value)) return "Not a number of type DOUBLE";
    n = Number(value);
  } else {
    const [low, high] = TYPE_BOUNDS[type]!;
    if (!INTEGER.test(value) || BigInt(value) < low || BigInt(value) > high)
      return `Not a number of type ${type.toUpperCase()}`;
    n = BigInt(value);
  }
  const bound = (b: string) => (typeof n === "bigint" ? BigInt(b) : Number(b));
  if (min !== undefined && max !== undefined && (n < bound(min) || n > bound(max)))
    return `Value must be between ${min} and ${max}`;
  if (min !== undefined && n < bound(min)) return `Value must be at least ${min}`;
  if (max !== undefined && n > bound(max)) return `Value must be no more than ${max}`;
  return null;
}

/** Kafka's ConfigDef reason a value is refused, or null when it is acceptable. */
function valueProblem(definition: TopicConfigDefinition, value: string): string | null {
  const trimmed = value.trim();
  switch (definition.type) {
    case "boolean":
      if (!/^(true|false)$/i.test(trimmed)) return "Expected value to be either true or false";
      break;
    case "int":
    case "long":
    case "double": {
      const problem = numberProblem(definition, trimmed);
      if (problem) return problem;
      break;
    }
    case "list": {
      const items = trimmed === "" ? [] : trimmed.split(",").map((i) => i.trim());
      if (definition.oneOf) {
        if (items.length === 0) return "Empty list";
        if (!items.every((i) => definition.oneOf!.includes(i)))
          return `String must be one of: ${definition.oneOf.join(", ")}`;
      }
      break;
    }
    case "string":
      if (definition.oneOf && !definition.oneOf.includes(trimmed))
        return `String must be one of: ${definition.oneOf.join(", ")}`;
      break;
  }
  return definition.check?.(trimmed) ?? null;
}

/**
 * Why a topic config cannot be set to `value`, in Kafka's words ("Unknown topic config name",
 * "Invalid value x for configuration y: ..."), or null when it can. `value` null asks only whether
 * the name is known.
 */
export function topicConfigProblem(name: string, value: string | null): string | null {
  const definition = topicConfigDefinitions[name];
  if (!definition) return `Unknown topic config name: ${name}`;
  if (value === null) return null;
  const problem = valueProblem(definition, value);
  return problem === null ? null : `Invalid value ${value} for configuration ${name}: ${problem}`;
}

/** The DescribeConfigs (v3+) configType of a topic config. */
export function configTypeId(type: TopicConfigType): number {
  return CONFIG_TYPE_IDS[type];
}

/** The settings of a cluster that change its topics' defaults, as server.properties would. */
export interface ClusterTopicSettings {
  defaultRetentionMs: bigint;
}

/** Topic defaults the cluster sets, by config name: only values that differ from Kafka's count. */
export function clusterTopicDefaults(settings: ClusterTopicSettings): Record<string, string> {
  const defaults: Record<string, string> = {};
  const retentionMs = String(settings.defaultRetentionMs);
  if (retentionMs !== topicConfigDefinitions["retention.ms"]!.defaultValue)
    defaults["retention.ms"] = retentionMs;
  return defaults;
}

/** A topic's value of a config when the topic does not set it: the cluster's, else Kafka's. */
export function defaultTopicConfig(
  name: string,
  settings: ClusterTopicSettings,
): string | undefined {
  return clusterTopicDefaults(settings)[name] ?? topicConfigDefinitions[name]?.defaultValue;
}
