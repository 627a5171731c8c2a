import type {
  IndexRow,
  LiveAgent,
  PartitionHead,
  TopicConfigs,
  TopicInfo,
} from "../metadata-store.ts";

/** Anything that runs a query: a Pool or a checked-out client. */
export interface Queryable {
  query<R extends object = Record<string, unknown>>(
    text: string,
    values?: unknown[],
  ): Promise<{ rows: R[]; rowCount: number | null }>;
}

/** int8 columns arrive as bigint or string depending on the pool's type parsers; accept both. */
export type Int8 = bigint | string;

export interface TopicRow {
  id: string;
  cluster_id: string;
  name: string;
  partition_count: number;
  configs: TopicConfigs;
  created_at: Date;
}

export function toTopic(row: TopicRow): TopicInfo {
  return {
    id: row.id,
    clusterId: row.cluster_id,
    name: row.name,
    partitionCount: row.partition_count,
    configs: row.configs,
    createdAt: row.created_at,
  };
}

export interface HeadRow {
  topic_id: string;
  partition: number;
  next_offset: Int8;
  log_start_offset: Int8;
  leader_epoch: number;
}

export function toHead(row: HeadRow): PartitionHead {
  return {
    topicId: row.topic_id,
    partition: row.partition,
    highWatermark: BigInt(row.next_offset),
    logStartOffset: BigInt(row.log_start_offset),
    leaderEpoch: row.leader_epoch,
  };
}

export interface IndexRowRow {
  topic_id: string;
  partition: number;
  base_offset: Int8;
  last_offset: Int8;
  object_key: string;
  byte_offset: Int8;
  byte_length: number;
  max_timestamp: Int8;
  record_count: number;
}

export const INDEX_COLUMNS =
  "topic_id, partition, base_offset, last_offset, object_key, byte_offset, byte_length, max_timestamp, record_count";

export function toIndexRow(row: IndexRowRow): IndexRow {
  return {
    topicId: row.topic_id,
    partition: row.partition,
    baseOffset: BigInt(row.base_offset),
    lastOffset: BigInt(row.last_offset),
    objectKey: row.object_key,
    byteOffset: Number(row.byte_offset),
    byteLength: row.byte_length,
    maxTimestamp: BigInt(row.max_timestamp),
    recordCount: row.record_count,
  };
}

export interface AgentRow {
  id: string;
  cluster_id: string | null;
  host: string;
  port: number;
  http_port: number;
  zone: string;
  roles: string[] | null;
  version: string;
  started_at: Date;
  last_heartbeat_at: Date;
}

export function toLiveAgent(row: AgentRow): LiveAgent {
  return {
    id: row.id,
    clusterId: row.cluster_id,
    host: row.host,
    port: row.port,
    httpPort: row.http_port,
    zone: row.zone,
    roles: row.roles ?? [],
    version: row.version,
    startedAt: row.started_at,
    lastHeartbeatAt: row.last_heartbeat_at,
  };
}

/** `$1::uuid[], $2::int[]` arrays of partition refs, for `unnest`. */
export function refArrays(
  refs: readonly { topicId: string; partition: number }[],
): [string[], number[]] {
  return [refs.map((r) => r.topicId), refs.map((r) => r.partition)];
}
