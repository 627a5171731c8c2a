import type { BlockCacheMetrics } from "../fetch/block-cache.ts";
import type { PeerBlockFetchMetrics } from "../fetch/peer-blocks.ts";
import type { ProduceMetrics } from "../produce/produce-metrics.ts";
import type { ObjectStoreMetrics } from "../storage/instrumented-object-store.ts";
import type { UncompressedSizeMetrics } from "../usage/uncompressed-size.ts";
import type { UsageSenderMetrics } from "../usage/usage-sender.ts";
import type { PeerBlockServeMetrics } from "./peer-block-route.ts";
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from "prom-client";
import { ClusterStats } from "../observability/cluster-stats.ts";

const latencyBuckets = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
/** Finer around a batch timeout of tens of milliseconds, where produce stages are judged. */
const stageBuckets = [
  0.001, 0.002, 0.005, 0.01, 0.015, 0.02, 0.025, 0.03, 0.04, 0.05, 0.075, 0.1, 0.15, 0.25, 0.5, 1,
  2.5,
];
const sizeBuckets = [1024, 16 * 1024, 128 * 1024, 1 << 20, 4 << 20, 8 << 20, 16 << 20, 64 << 20];

export interface ProduceMemorySources {
  buffered(): number;
  framesLent(): number;
  framesPooled(): number;
}

/** Every Prometheus series the agent exposes on /metrics, in one registry per agent. */
export class AgentMetrics {
  readonly registry = new Registry();

  readonly requests = new Counter({
    name: "streambed_kafka_requests_total",
    help: "Kafka requests answered, by cluster, API and top-level error code (0 = none)",
    labelNames: ["cluster_id", "api", "error_code"] as const,
    registers: [this.registry],
  });
  readonly partitionErrors = new Counter({
    name: "streambed_kafka_partition_errors_total",
    help: "Per-partition errors returned in Produce and Fetch responses, by cluster, API and error code",
    labelNames: ["cluster_id", "api", "error_code"] as const,
    registers: [this.registry],
  });
  readonly requestLatency = new Histogram({
    name: "streambed_kafka_request_duration_seconds",
    help: "Time from a request's arrival to its response being queued, by cluster and API",
    labelNames: ["cluster_id", "api"] as const,
    buckets: latencyBuckets,
    registers: [this.registry],
  });
  readonly saslThrottled = new Counter({
    name: "streambed_sasl_throttled_attempts_total",
    help: "SASL attempts over the failure limit of their (address, username), by outcome (delayed or refused)",
    labelNames: ["outcome"] as const,
    registers: [this.registry],
  });
  readonly quotaThrottle = new Counter({
    name: "streambed_quota_throttle_seconds_total",
    help: "Time client connections were muted for exceeding a quota, by cluster and quota",
    labelNames: ["cluster_id", "quota"] as const,
    registers: [this.registry],
  });
  readonly producedBytes = new Counter({
    name: "streambed_produce_bytes_total",
    help: "Record batch bytes accepted from producers, by cluster",
    labelNames: ["cluster_id"] as const,
    registers: [this.registry],
  });
  readonly fetchedBytes = new Counter({
    name: "streambed_fetch_bytes_total",
    help: "Record batch bytes returned to consumers, by cluster",
    labelNames: ["cluster_id"] as const,
    registers: [this.registry],
  });
  readonly flushBytes = new Histogram({
    name: "streambed_flush_bytes",
    help: "Record batch bytes in each object written by a produce buffer flush",
    buckets: sizeBuckets,
    registers: [this.registry],
  });
  readonly flushLatency = new Histogram({
    name: "streambed_flush_duration_seconds",
    help: "Time from sealing a flush to answering its producers (object PUT + commit)",
    buckets: latencyBuckets,
    registers: [this.registry],
  });
  readonly flushFailures = new Counter({
    name: "streambed_flush_failures_total",
    help: "Flushes whose object PUT or metadata commit failed (producers got a retriable error)",
    registers: [this.registry],
  });
  readonly commitLatency = new Histogram({
    name: "streambed_commit_duration_seconds",
    help: "Time of the metadata transaction that assigns offsets to a flush",
    buckets: latencyBuckets,
    registers: [this.registry],
  });
  readonly produceStageLatency = new Histogram({
    name: "streambed_produce_stage_seconds",
    help: "Time each committed produce spent per stage: buffer_wait, object_write, commit_wait, commit",
    labelNames: ["stage"] as const,
    buckets: stageBuckets,
    registers: [this.registry],
  });
  readonly objectRequests = new Counter({
    name: "streambed_object_requests_total",
    help: "Object store requests by operation (put, get)",
    labelNames: ["op"] as const,
    registers: [this.registry],
  });
  readonly objectBytes = new Counter({
    name: "streambed_object_bytes_total",
    help: "Bytes moved to (put) and from (get) the object store",
    labelNames: ["op"] as const,
    registers: [this.registry],
  });
  readonly objectFailures = new Counter({
    name: "streambed_object_request_failures_total",
    help: "Object store requests that failed",
    registers: [this.registry],
  });
  readonly retentionIndexRows = new Counter({
    name: "streambed_retention_index_rows_deleted_total",
    help: "Index rows dropped by retention (retention.ms, retention.bytes) or below a log start moved by DeleteRecords",
    registers: [this.registry],
  });
  readonly objectsDeleted = new Counter({
    name: "streambed_objects_deleted_total",
    help: "Objects deleted from the object store once no index row referenced them",
    registers: [this.registry],
  });
  readonly objectsDeletedBytes = new Counter({
    name: "streambed_objects_deleted_bytes_total",
    help: "Bytes of the objects deleted from the object store",
    registers: [this.registry],
  });
  readonly offsetsExpired = new Counter({
    name: "streambed_committed_offsets_expired_total",
    help: "Committed offsets removed by offsets.retention.minutes",
    registers: [this.registry],
  });
  readonly objectsCompacted = new Counter({
    name: "streambed_objects_compacted_total",
    help: "Objects whose index rows compaction moved into larger objects (L0 into L1, L1 into L2)",
    registers: [this.registry],
  });
  readonly producerStatesExpired = new Counter({
    name: "streambed_producer_states_expired_total",
    help: "Idempotent producers' partition states dropped after producer.id.expiration.ms without writes",
    registers: [this.registry],
  });
  readonly compactedTopicRecordsRemoved = new Counter({
    name: "streambed_compacted_topic_records_removed_total",
    help: "Records compacted topics' cleaning removed (superseded by a newer record of their key, or expired tombstones)",
    registers: [this.registry],
  });
  readonly compactionWrittenBytes = new Counter({
    name: "streambed_compaction_written_bytes_total",
    help: "Bytes of the objects compaction wrote",
    registers: [this.registry],
  });
  readonly jobFailures = new Counter({
    name: "streambed_job_failures_total",
    help: "Background job passes that failed (retried at the next interval)",
    labelNames: ["job"] as const,
    registers: [this.registry],
  });
  readonly blockCache = new Counter({
    name: "streambed_block_cache_lookups_total",
    help: "Fetch block cache lookups by result (hit, miss)",
    labelNames: ["result"] as const,
    registers: [this.registry],
  });
  readonly peerBlocks = new Counter({
    name: "streambed_peer_block_requests_total",
    help:
      "Blocks passed between agents of a zone, by result: served (to a peer, as owner), rejected (owner busy), " +
      "fetched (from the owner), fallback (owner unreachable or failing: read from the object store)",
    labelNames: ["result"] as const,
    registers: [this.registry],
  });
  readonly connections = new Gauge({
    name: "streambed_kafka_connections",
    help: "Open Kafka connections",
    registers: [this.registry],
  });
  /** Open connections by the cluster they serve, counted when scraped (see countConnections). */
  private readonly clusterConnections = new Gauge({
    name: "streambed_kafka_cluster_connections",
    help: "Open Kafka connections by cluster (after authentication)",
    labelNames: ["cluster_id"] as const,
    registers: [this.registry],
    collect: () => {
      this.clusterConnections.reset();
      for (const [clusterId, open] of this.countConnections())
        this.clusterConnections.set({ cluster_id: clusterId }, open);
    },
  });
  /** Set by the Kafka server: its open connections by cluster id. */
  countConnections: () => ReadonlyMap<string, number> = () => new Map();
  /** The per-cluster figures the console charts, counted beside the series above. */
  readonly clusterStats = new ClusterStats();
  readonly connectionsRejected = new Counter({
    name: "streambed_kafka_connections_rejected_total",
    help: "Connections refused because the connection limit was reached",
    registers: [this.registry],
  });
  readonly connectionsClosedForErrors = new Counter({
    name: "streambed_kafka_connections_closed_total",
    help: "Connections closed by the agent because of a malformed frame or request",
    labelNames: ["reason"] as const,
    registers: [this.registry],
  });

  readonly usageEvents = new Counter({
    name: "streambed_usage_events_total",
    help: "Usage events sent to the control plane: sent (acknowledged), refused (dropped for good), failed (attempts retried)",
    labelNames: ["result"] as const,
    registers: [this.registry],
  });
  readonly usageWriteBytesApproximated = new Counter({
    name: "streambed_usage_write_bytes_approximated_total",
    help: "Compressed produce requests metered at their stored size (decompression queue full or failed)",
    registers: [this.registry],
  });

  private memorySources: ProduceMemorySources | undefined;
  readonly produceMemory = new Gauge({
    name: "streambed_produce_memory_bytes",
    help:
      "Memory of the produce path: buffered = appended, not yet answered (backpressure starts above " +
      "--max-buffered-produce-bytes); frames_lent / frames_pooled = frame pool slabs in use / kept for reuse",
    labelNames: ["kind"] as const,
    registers: [this.registry],
    collect: () => {
      const sources = this.memorySources;
      if (!sources) return;
      this.produceMemory.set({ kind: "buffered" }, sources.buffered());
      this.produceMemory.set({ kind: "frames_lent" }, sources.framesLent());
      this.produceMemory.set({ kind: "frames_pooled" }, sources.framesPooled());
    },
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry });
  }

  /** Where streambed_produce_memory_bytes reads its values when scraped. */
  watchProduceMemory(sources: ProduceMemorySources): void {
    this.memorySources = sources;
  }

  /** The produce buffer's instruments. */
  get produce(): ProduceMetrics {
    return {
      flushBytes: this.flushBytes,
      flushSeconds: this.flushLatency,
      commitSeconds: this.commitLatency,
      stageSeconds: this.produceStageLatency,
      flushFailures: this.flushFailures,
    };
  }

  /** A request answered on a connection of `clusterId`. */
  recordRequest(clusterId: string, api: string, errorCode: number, seconds: number): void {
    this.requests.inc({ cluster_id: clusterId, api, error_code: String(errorCode) });
    this.requestLatency.observe({ cluster_id: clusterId, api }, seconds);
    this.clusterStats.request(clusterId, api, errorCode, seconds * 1000);
  }

  /** A partition of a Produce or Fetch answered with an error. */
  recordPartitionError(clusterId: string, api: string, errorCode: number): void {
    this.partitionErrors.inc({ cluster_id: clusterId, api, error_code: String(errorCode) });
    this.clusterStats.partitionError(clusterId, errorCode);
  }

  /** Record batch bytes accepted from producers or returned to consumers. */
  recordBytes(clusterId: string, direction: "produce" | "fetch", bytes: number): void {
    (direction === "produce" ? this.producedBytes : this.fetchedBytes).inc(
      { cluster_id: clusterId },
      bytes,
    );
    this.clusterStats.bytes(clusterId, direction, bytes);
  }

  /** A connection of `clusterId` muted for `ms` for exceeding `quota`. */
  recordThrottle(clusterId: string, quota: string, ms: number): void {
    this.quotaThrottle.inc({ cluster_id: clusterId, quota }, ms / 1000);
    this.clusterStats.throttled(clusterId, ms);
  }

  /** The object store's instruments. */
  get objectStore(): ObjectStoreMetrics {
    return {
      puts: this.objectRequests.labels({ op: "put" }),
      putBytes: this.objectBytes.labels({ op: "put" }),
      gets: this.objectRequests.labels({ op: "get" }),
      getBytes: this.objectBytes.labels({ op: "get" }),
      failures: this.objectFailures,
    };
  }

  /** The fetch block cache's instruments. */
  get blockCacheLookups(): BlockCacheMetrics {
    return {
      hits: this.blockCache.labels({ result: "hit" }),
      misses: this.blockCache.labels({ result: "miss" }),
    };
  }

  /** Instruments of blocks asked from their owners. */
  get peerBlockFetches(): PeerBlockFetchMetrics {
    return {
      fetched: this.peerBlocks.labels({ result: "fetched" }),
      fallbacks: this.peerBlocks.labels({ result: "fallback" }),
    };
  }

  /** The usage sender's instruments. */
  get usageSender(): UsageSenderMetrics {
    return {
      sent: this.usageEvents.labels({ result: "sent" }),
      refused: this.usageEvents.labels({ result: "refused" }),
      failures: this.usageEvents.labels({ result: "failed" }),
    };
  }

  /** Instruments of write_bytes metering. */
  get uncompressedSize(): UncompressedSizeMetrics {
    return { approximated: this.usageWriteBytesApproximated };
  }

  /** Instruments of blocks served to peers. */
  get peerBlockServes(): PeerBlockServeMetrics {
    return {
      served: this.peerBlocks.labels({ result: "served" }),
      rejected: this.peerBlocks.labels({ result: "rejected" }),
    };
  }
}
