import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { defaultBatchTimeoutMs } from "./storage/open-object-store.ts";
import { parseStoreFaults, type StoreFaults } from "./storage/store-faults.ts";
import { DEFAULT_MAX_FLUSHES_IN_FLIGHT } from "./produce/produce-buffer.ts";
import { DEFAULT_MAX_UNCOMPRESSED_BATCH_BYTES } from "./produce/validate-records.ts";
import { z } from "zod";
import { agentRoles, type AgentRole } from "./cluster/roles.ts";
import { parsePrincipalMappingRules, type PrincipalMappingRules } from "./acl/principal-mapping.ts";

/**
 * The agent's configuration, parsed once at start from flags and environment variables
 * (a flag wins over its variable). Nothing else in the agent reads process.env.
 */
export interface AgentConfig {
  databaseUrl: string;
  /** The one cluster a dedicated agent serves; null = shared agent serving every cluster. */
  clusterId: string | null;
  /** Cluster of unauthenticated connections (before SASL): --default-cluster-id, else --cluster-id. */
  defaultClusterId: string | null;
  agentKey: string | null;
  /** Stable id of this agent in the registry; a fresh one per start unless given. */
  agentId: string | null;
  bucketUrl: string;
  /** Faults injected into every object store request (testing and demos); null = none. */
  storeFaults: StoreFaults | null;
  /** An object store request not answered within this fails (a stalled store cannot wedge us). */
  objectRequestTimeoutMs: number;
  listenHost: string;
  advertisedHost: string;
  kafkaPort: number;
  httpPort: number;
  zone: string;
  roles: AgentRole[];
  batchTimeoutMs: number;
  batchMaxBytes: number;
  maxFlushesInFlight: number;
  blockCacheBytes: number;
  maxConnections: number;
  /** Socket reads pause while the produce buffer holds more than this many bytes. */
  maxBufferedProduceBytes: number;
  /**
   * Largest size a compressed record batch may decompress to: Produce refuses bigger ones
   * (RECORD_LIST_TOO_LARGE) and the agent never inflates more than this from one batch.
   */
  maxUncompressedBatchBytes: number;
  /** Incremental fetch sessions kept at once (Kafka's max.incremental.fetch.session.cache.slots). */
  fetchSessionCacheSlots: number;
  logLevel: LogLevel;
  /** Kafka's group.initial.rebalance.delay.ms: a new group waits this long for more members. */
  groupInitialRebalanceDelayMs: number;
  /** Kafka's group.consumer.heartbeat.interval.ms: how often KIP-848 members heartbeat. */
  groupConsumerHeartbeatIntervalMs: number;
  /** Kafka's group.consumer.session.timeout.ms: a KIP-848 member silent this long is removed. */
  groupConsumerSessionTimeoutMs: number;
  /** Agents with the jobs role apply retention and delete unreferenced objects this often. */
  retentionCheckIntervalMs: number;
  /** An object no longer referenced is deleted this long after (fetches already under way finish). */
  objectDeletionGraceMs: number;
  /** Kafka's offsets.retention.minutes: committed offsets of groups empty this long are removed. */
  offsetsRetentionMinutes: number;
  /** Object compaction: L0 objects merge into L1 objects of about this size. */
  compactionL1TargetBytes: number;
  /** L1 objects merge into L2 objects of about this size (a merge holds its output in memory). */
  compactionL2TargetBytes: number;
  /** L1 objects merge into an L2 once this many are waiting. */
  compactionL2FanIn: number;
  /** Kafka's producer.id.expiration.ms: idempotent producer state kept this long after a write. */
  producerIdExpirationMs: number;
  /** Kafka's transaction.abort.timed.out.transaction.cleanup.interval.ms (jobs role). */
  transactionCheckIntervalMs: number;
  /** Memory of a compacted topic's key map (20 bytes a slot, filled to 3/4). */
  compactedTopicMapBytes: number;
  /** PEM files of the Kafka listener's TLS certificate and key; both null = plaintext. */
  tlsCert: string | null;
  tlsKey: string | null;
  /** PEM file of the CA client certificates must chain to (mTLS); null = no client certificates. */
  tlsClientCa: string | null;
  /** How an mTLS client's certificate subject becomes its principal (Kafka's ssl.principal.mapping.rules). */
  sslPrincipalMappingRules: PrincipalMappingRules;
  /** Base URL of the control plane usage is reported to; null = metering off. */
  controlPlaneUrl: string | null;
  /** Where unsent usage windows (and the agent id, unless --agent-id) are kept; one per agent. */
  usageSpoolDir: string;
  /** Length of a usage window; divides an hour, whole seconds. */
  usageWindowMs: number;
  /** Kafka's quota.window.size.seconds (in ms) and quota.window.num: how client rates are measured. */
  quotaWindowMs: number;
  quotaWindowSamples: number;
  /** Client quotas altered through another agent apply here within this. */
  quotaRefreshMs: number;
  /** Bytes per second each cluster may produce / fetch through this agent; null = no ceiling. */
  clusterProduceByteRate: number | null;
  clusterFetchByteRate: number | null;
}

const logLevels = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const;
export type LogLevel = (typeof logLevels)[number];

const MiB = 1024 * 1024;

interface Option {
  flag: string;
  env: string[];
  help: string;
  /** Shown in --help; the real default is applied by the schema. */
  defaultText?: string;
}

const options = {
  databaseUrl: {
    flag: "database-url",
    env: ["DATABASE_URL"],
    help: "Postgres URL of the metadata store (required)",
  },
  clusterId: {
    flag: "cluster-id",
    env: ["STREAMBED_CLUSTER_ID"],
    help: "the one virtual cluster a dedicated agent serves; empty = shared agent serving every cluster",
  },
  defaultClusterId: {
    flag: "default-cluster-id",
    env: ["STREAMBED_DEFAULT_CLUSTER_ID"],
    help: "virtual cluster of connections that do not authenticate",
    defaultText: "the --cluster-id",
  },
  agentKey: {
    flag: "agent-key",
    env: ["STREAMBED_AGENT_KEY"],
    help: "agent key proving which cluster a dedicated agent serves (re-checked every 5 s: once revoked, the agent stops)",
  },
  agentId: {
    flag: "agent-id",
    env: ["STREAMBED_AGENT_ID"],
    help: "id in the agent registry",
    defaultText: "random ULID per start",
  },
  bucketUrl: {
    flag: "bucket-url",
    env: ["STREAMBED_BUCKET_URL"],
    help: "object store: file:///dir or s3://bucket/prefix?endpoint=...&region=...&forcePathStyle=true",
    defaultText: "file://<working dir>/.data/objects",
  },
  storeFaults: {
    flag: "store-faults",
    env: ["STREAMBED_STORE_FAULTS"],
    help: "inject object store faults, e.g. seed=7,error_rate=0.1,latency_ms=200 (also latency_rate, stall_rate, torn_read_rate, lost_put_rate)",
  },
  objectRequestTimeoutMs: {
    flag: "object-request-timeout-ms",
    env: ["STREAMBED_OBJECT_REQUEST_TIMEOUT_MS"],
    help: "an object store request (PUT, GET, HEAD, DELETE) that has not answered by then fails",
    defaultText: "30000",
  },
  listenHost: {
    flag: "listen-host",
    env: ["STREAMBED_LISTEN_HOST"],
    help: "address the Kafka and HTTP ports bind to",
    defaultText: "127.0.0.1",
  },
  advertisedHost: {
    flag: "advertised-host",
    env: ["STREAMBED_ADVERTISED_HOST"],
    help: "host given to clients in Metadata (librdkafka resolves localhost to ::1, so an IP is safer)",
    defaultText: "127.0.0.1",
  },
  kafkaPort: {
    flag: "kafka-port",
    env: ["STREAMBED_KAFKA_PORT"],
    help: "Kafka protocol port (0 = any free port)",
    defaultText: "9092",
  },
  httpPort: {
    flag: "http-port",
    env: ["STREAMBED_HTTP_PORT"],
    help: "HTTP port for /healthz and /metrics",
    defaultText: "Kafka port + 1000 (0 when the Kafka port is 0)",
  },
  zone: {
    flag: "zone",
    env: ["STREAMBED_ZONE"],
    help: "availability zone; clients pick theirs with ws_az=<zone> in client.id",
    defaultText: "default",
  },
  roles: {
    flag: "roles",
    env: ["STREAMBED_ROLES"],
    help: "comma-separated subset of produce (lead partitions), fetch (serve reads), groups (coordinate groups), jobs (background jobs)",
    defaultText: agentRoles.join(","),
  },
  batchTimeoutMs: {
    flag: "batch-timeout-ms",
    env: ["STREAMBED_BATCH_TIMEOUT_MS"],
    help: "flush the produce buffer when its oldest entry is this old",
    defaultText: "250 for S3, 20 for a local directory",
  },
  batchMaxBytes: {
    flag: "batch-max-bytes",
    env: ["STREAMBED_BATCH_MAX_BYTES"],
    help: "flush the produce buffer at this size",
    defaultText: String(8 * MiB),
  },
  maxFlushesInFlight: {
    flag: "max-flushes-in-flight",
    env: ["STREAMBED_MAX_FLUSHES_IN_FLIGHT"],
    help: "flushes being written and committed at once (the object PUTs run in parallel)",
    defaultText: String(DEFAULT_MAX_FLUSHES_IN_FLIGHT),
  },
  blockCacheBytes: {
    flag: "block-cache-bytes",
    env: ["STREAMBED_BLOCK_CACHE_BYTES"],
    help: "size of the fetch block cache",
    defaultText: String(256 * MiB),
  },
  maxConnections: {
    flag: "max-connections",
    env: ["STREAMBED_MAX_CONNECTIONS"],
    help: "Kafka connections accepted at once",
    defaultText: "10000",
  },
  maxBufferedProduceBytes: {
    flag: "max-buffered-produce-bytes",
    env: ["STREAMBED_MAX_BUFFERED_PRODUCE_BYTES"],
    help: "stop reading from sockets while the produce buffer holds more than this",
    defaultText: String(64 * MiB),
  },
  maxUncompressedBatchBytes: {
    flag: "max-uncompressed-batch-bytes",
    env: ["STREAMBED_MAX_UNCOMPRESSED_BATCH_BYTES"],
    help: "largest size a compressed record batch may decompress to (decompression bombs are refused)",
    defaultText: String(DEFAULT_MAX_UNCOMPRESSED_BATCH_BYTES),
  },
  fetchSessionCacheSlots: {
    flag: "fetch-session-cache-slots",
    env: ["STREAMBED_FETCH_SESSION_CACHE_SLOTS"],
    help: "incremental fetch sessions (KIP-227) kept at once; the least recently used gives way",
    defaultText: "1000",
  },
  logLevel: {
    flag: "log-level",
    env: ["STREAMBED_LOG_LEVEL", "LOG_LEVEL"],
    help: logLevels.join("|"),
    defaultText: "info",
  },
  groupInitialRebalanceDelayMs: {
    flag: "group-initial-rebalance-delay-ms",
    env: ["STREAMBED_GROUP_INITIAL_REBALANCE_DELAY_MS"],
    help: "how long the first rebalance of an empty consumer group waits for more members",
    defaultText: "3000",
  },
  groupConsumerHeartbeatIntervalMs: {
    flag: "group-consumer-heartbeat-interval-ms",
    env: ["STREAMBED_GROUP_CONSUMER_HEARTBEAT_INTERVAL_MS"],
    help: "how often members of KIP-848 consumer groups (group.protocol=consumer) heartbeat",
    defaultText: "5000",
  },
  groupConsumerSessionTimeoutMs: {
    flag: "group-consumer-session-timeout-ms",
    env: ["STREAMBED_GROUP_CONSUMER_SESSION_TIMEOUT_MS"],
    help: "a member of a KIP-848 consumer group that does not heartbeat for this long is removed",
    defaultText: "45000",
  },
  retentionCheckIntervalMs: {
    flag: "retention-check-interval-ms",
    env: ["STREAMBED_RETENTION_CHECK_INTERVAL_MS"],
    help: "jobs role: how often retention (retention.ms, retention.bytes), object compaction, deletion of unreferenced objects and offset expiry run",
    defaultText: "60000",
  },
  objectDeletionGraceMs: {
    flag: "object-deletion-grace-ms",
    env: ["STREAMBED_OBJECT_DELETION_GRACE_MS"],
    help: "jobs role: how long an object no longer referenced is kept before it is deleted (like file.delete.delay.ms)",
    defaultText: "60000",
  },
  compactionL1TargetBytes: {
    flag: "compaction-l1-target-bytes",
    env: ["STREAMBED_COMPACTION_L1_TARGET_BYTES"],
    help: "jobs role: size of the L1 objects small flush objects (L0) are merged into",
    defaultText: String(256 * MiB),
  },
  compactionL2TargetBytes: {
    flag: "compaction-l2-target-bytes",
    env: ["STREAMBED_COMPACTION_L2_TARGET_BYTES"],
    help: "jobs role: size of the L2 objects L1 objects are merged into (the job holds one in memory)",
    defaultText: String(1024 * MiB),
  },
  compactionL2FanIn: {
    flag: "compaction-l2-fan-in",
    env: ["STREAMBED_COMPACTION_L2_FAN_IN"],
    help: "jobs role: L1 objects merged into an L2 once this many are waiting",
    defaultText: "32",
  },
  producerIdExpirationMs: {
    flag: "producer-id-expiration-ms",
    env: ["STREAMBED_PRODUCER_ID_EXPIRATION_MS"],
    help: "jobs role: an idempotent producer's state of a partition is dropped this long after its last write (Kafka's producer.id.expiration.ms)",
    defaultText: "86400000",
  },
  transactionCheckIntervalMs: {
    flag: "transaction-check-interval-ms",
    env: ["STREAMBED_TRANSACTION_CHECK_INTERVAL_MS"],
    help: "jobs role: how often transactions past their transaction.timeout.ms are aborted (and ones an agent left half-completed finished)",
    defaultText: "10000",
  },
  compactedTopicMapBytes: {
    flag: "compacted-topic-map-bytes",
    env: ["STREAMBED_COMPACTED_TOPIC_MAP_BYTES"],
    help: "jobs role: memory of the key map cleaning a compacted topic's partition (128 MiB holds 5 million keys; more keys take more passes)",
    defaultText: String(128 * MiB),
  },
  offsetsRetentionMinutes: {
    flag: "offsets-retention-minutes",
    env: ["STREAMBED_OFFSETS_RETENTION_MINUTES"],
    help: "jobs role: committed offsets of a group empty (or without members) this long are removed",
    defaultText: "10080 (7 days)",
  },
  tlsCert: {
    flag: "tls-cert",
    env: ["STREAMBED_TLS_CERT"],
    help: "PEM certificate (chain) file: the Kafka port speaks TLS (with --tls-key)",
  },
  tlsKey: {
    flag: "tls-key",
    env: ["STREAMBED_TLS_KEY"],
    help: "PEM private key file of --tls-cert",
  },
  tlsClientCa: {
    flag: "tls-client-ca",
    env: ["STREAMBED_TLS_CLIENT_CA"],
    help: "PEM CA file: require client certificates signed by it (mTLS)",
  },
  sslPrincipalMappingRules: {
    flag: "ssl-principal-mapping-rules",
    env: ["STREAMBED_SSL_PRINCIPAL_MAPPING_RULES"],
    help: "mTLS certificate subject -> principal name, as Kafka's ssl.principal.mapping.rules (RULE:pattern/replacement/[LU], DEFAULT)",
    defaultText: "DEFAULT",
  },
  controlPlaneUrl: {
    flag: "control-plane-url",
    env: ["STREAMBED_CONTROL_PLANE_URL"],
    help: "base URL of the console/control plane usage is reported to (POST /api/v1/usage/events); unset = no metering",
  },
  usageSpoolDir: {
    flag: "usage-spool-dir",
    env: ["STREAMBED_USAGE_SPOOL_DIR"],
    help: "directory of this agent's unsent usage windows and, without --agent-id, its persistent agent id (one per agent)",
    defaultText: "<working dir>/.data/usage-spool",
  },
  usageWindowMs: {
    flag: "usage-window-ms",
    env: ["STREAMBED_USAGE_WINDOW_MS"],
    help: "length of a usage window: whole seconds that divide an hour",
    defaultText: "60000",
  },
  quotaWindowMs: {
    flag: "quota-window-ms",
    env: ["STREAMBED_QUOTA_WINDOW_MS"],
    help: "length of one sample window of client quota rates (Kafka's quota.window.size.seconds)",
    defaultText: "1000",
  },
  quotaWindowSamples: {
    flag: "quota-window-samples",
    env: ["STREAMBED_QUOTA_WINDOW_SAMPLES"],
    help: "sample windows client quota rates are measured over (Kafka's quota.window.num)",
    defaultText: "11",
  },
  quotaRefreshMs: {
    flag: "quota-refresh-ms",
    env: ["STREAMBED_QUOTA_REFRESH_MS"],
    help: "client quotas altered through another agent apply here within this",
    defaultText: "5000",
  },
  clusterProduceByteRate: {
    flag: "cluster-produce-byte-rate",
    env: ["STREAMBED_CLUSTER_PRODUCE_BYTE_RATE"],
    help: "bytes per second each cluster may produce through this agent (clients are throttled beyond)",
    defaultText: "no ceiling",
  },
  clusterFetchByteRate: {
    flag: "cluster-fetch-byte-rate",
    env: ["STREAMBED_CLUSTER_FETCH_BYTE_RATE"],
    help: "bytes per second each cluster may fetch through this agent (clients are throttled beyond)",
    defaultText: "no ceiling",
  },
} satisfies Record<keyof AgentConfig, Option>;

const port = z.coerce.number().int().min(0).max(65535);
const positiveInt = z.coerce.number().int().positive();

const schema = z
  .object({
    databaseUrl: z
      .string({ error: "--database-url or DATABASE_URL is required" })
      .min(1, "--database-url or DATABASE_URL is required"),
    clusterId: z
      .string()
      .optional()
      .transform((v) => (v ? v : null)),
    defaultClusterId: z
      .string()
      .optional()
      .transform((v) => (v ? v : null)),
    agentKey: z
      .string()
      .optional()
      .transform((v) => (v ? v : null)),
    agentId: z
      .string()
      .optional()
      .transform((v) => (v ? v : null)),
    bucketUrl: z
      .string()
      .default(() => pathToFileURL(resolve(".data/objects")).href)
      .refine((v) => /^(file|s3):\/\//.test(v), "bucket URL must start with file:// or s3://"),
    storeFaults: z
      .string()
      .optional()
      .transform((v, ctx) => {
        if (!v) return null;
        try {
          return parseStoreFaults(v);
        } catch (err) {
          ctx.addIssue({ code: "custom", message: (err as Error).message });
          return z.NEVER;
        }
      }),
    objectRequestTimeoutMs: positiveInt.default(30_000),
    listenHost: z.string().min(1).default("127.0.0.1"),
    advertisedHost: z.string().min(1).default("127.0.0.1"),
    kafkaPort: port.default(9092),
    httpPort: port.optional(),
    zone: z.string().min(1).default("default"),
    roles: z
      .string()
      .default(agentRoles.join(","))
      .transform((v) =>
        v
          .split(",")
          .map((r) => r.trim())
          .filter((r) => r !== ""),
      )
      .pipe(z.array(z.enum(agentRoles)).min(1)),
    batchTimeoutMs: positiveInt.optional(),
    batchMaxBytes: positiveInt.default(8 * MiB),
    // Under load a flush is batchMaxBytes and its PUT the slowest step: enough of them overlap to
    // keep the store busy, and together they stay within maxBufferedProduceBytes.
    maxFlushesInFlight: positiveInt.default(DEFAULT_MAX_FLUSHES_IN_FLIGHT),
    blockCacheBytes: z.coerce
      .number()
      .int()
      .min(0)
      .default(256 * MiB),
    maxConnections: positiveInt.default(10_000),
    maxBufferedProduceBytes: positiveInt.default(64 * MiB),
    maxUncompressedBatchBytes: positiveInt.default(DEFAULT_MAX_UNCOMPRESSED_BATCH_BYTES),
    fetchSessionCacheSlots: positiveInt.default(1000),
    logLevel: z.enum(logLevels).default("info"),
    groupInitialRebalanceDelayMs: z.coerce.number().int().min(0).default(3000),
    groupConsumerHeartbeatIntervalMs: positiveInt.default(5000),
    groupConsumerSessionTimeoutMs: positiveInt.default(45_000),
    retentionCheckIntervalMs: positiveInt.default(60_000),
    objectDeletionGraceMs: z.coerce.number().int().min(0).default(60_000),
    compactionL1TargetBytes: positiveInt.default(256 * MiB),
    compactionL2TargetBytes: positiveInt.default(1024 * MiB),
    compactionL2FanIn: z.coerce.number().int().min(2).default(32),
    producerIdExpirationMs: positiveInt.default(86_400_000),
    transactionCheckIntervalMs: positiveInt.default(10_000),
    compactedTopicMapBytes: positiveInt.default(128 * MiB),
    offsetsRetentionMinutes: positiveInt.default(10_080),
    tlsCert: z
      .string()
      .optional()
      .transform((v) => (v ? v : null)),
    tlsKey: z
      .string()
      .optional()
      .transform((v) => (v ? v : null)),
    tlsClientCa: z
      .string()
      .optional()
      .transform((v) => (v ? v : null)),
    sslPrincipalMappingRules: z
      .string()
      .default("DEFAULT")
      .transform((v, ctx) => {
        try {
          return parsePrincipalMappingRules(v);
        } catch (err) {
          ctx.addIssue({ code: "custom", message: (err as Error).message });
          return z.NEVER;
        }
      }),
    controlPlaneUrl: z
      .string()
      .optional()
      .transform((v) => (v ? v : null))
      .pipe(z.url().nullable()),
    usageSpoolDir: z
      .string()
      .min(1)
      .default(() => resolve(".data/usage-spool"))
      .transform((v) => resolve(v)),
    // Windows that divide the hour never cross one once aligned (the ingest endpoint insists).
    usageWindowMs: positiveInt
      .default(60_000)
      .refine(
        (ms) => ms % 1000 === 0 && 3_600_000 % ms === 0,
        "must be whole seconds dividing an hour",
      ),
    quotaWindowMs: positiveInt.default(1000),
    quotaWindowSamples: z.coerce.number().int().min(2).default(11),
    quotaRefreshMs: positiveInt.default(5000),
    clusterProduceByteRate: positiveInt.optional().transform((v) => v ?? null),
    clusterFetchByteRate: positiveInt.optional().transform((v) => v ?? null),
  })
  .refine((c) => (c.tlsCert === null) === (c.tlsKey === null), {
    message: "--tls-cert and --tls-key go together",
    path: ["tlsCert"],
  })
  .transform((c): AgentConfig => ({
    ...c,
    defaultClusterId: c.defaultClusterId ?? c.clusterId,
    httpPort: c.httpPort ?? (c.kafkaPort === 0 ? 0 : c.kafkaPort + 1000),
    batchTimeoutMs: c.batchTimeoutMs ?? defaultBatchTimeoutMs(c.bucketUrl),
  }));

export class ConfigError extends Error {
  override readonly name = "ConfigError";
}

export type ParsedArgs = { help: true } | { help: false; config: AgentConfig };

/** Parses flags (winning) and environment variables; throws ConfigError with every problem listed. */
export function parseConfig(argv: string[], env: NodeJS.ProcessEnv): ParsedArgs {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        help: { type: "boolean", short: "h" },
        ...Object.fromEntries(
          Object.values(options).map((o) => [o.flag, { type: "string" as const }]),
        ),
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (err) {
    throw new ConfigError((err as Error).message);
  }
  if (values.help) return { help: true };

  const raw: Record<string, string | undefined> = {};
  for (const [key, option] of Object.entries(options) as [keyof AgentConfig, Option][]) {
    const flagValue = values[option.flag];
    raw[key] =
      typeof flagValue === "string"
        ? flagValue
        : option.env.map((name) => env[name]).find((v) => v !== undefined);
  }
  const result = schema.safeParse(raw);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => {
      const option = options[issue.path[0] as keyof AgentConfig] as Option | undefined;
      return option ? `--${option.flag}: ${issue.message}` : issue.message;
    });
    throw new ConfigError(problems.join("\n"));
  }
  return { help: false, config: result.data };
}

export function helpText(): string {
  const lines = [
    "Usage: streambed-agent [options]",
    "",
    "Options (flag, then environment variable):",
  ];
  for (const option of Object.values(options) as Option[]) {
    lines.push(`  --${option.flag.padEnd(28)} ${option.env.join(", ")}`);
    lines.push(
      `      ${option.help}${option.defaultText ? ` (default: ${option.defaultText})` : ""}`,
    );
  }
  lines.push(`  --${"help".padEnd(28)} show this text`);
  return lines.join("\n");
}
