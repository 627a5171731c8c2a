import type pg from "pg";
import type {
  CompactedTopic,
  CompactionCandidate,
  CompactionSwap,
  LeveledIndexRow,
  ExpiredOffsets,
  ExpiredProducerStates,
  JobStore,
  RetentionConfig,
  RetentionPass,
  RetentionPolicy,
  StoredIndexRow,
  StoredObject,
} from "../job-store.ts";
import {
  compactedTopics,
  compactionCandidates,
  partitionIndexRows,
  indexRowsOfObjects,
  promoteObject,
  recordCompactionOutput,
  swapCompactedRows,
} from "./compaction.ts";
import { notifyHeadChanges } from "./head-notifications.ts";
import { dropIndexRowsBelowLogStart } from "./partition-index.ts";
import { type HeadRow, toHead } from "./rows.ts";
import { inTransaction } from "./transaction.ts";

/** How long a released object found still referenced waits before it is checked again. */
const RECHECK = "1 hour";

const interval = (ms: number) => `${Math.max(0, Math.trunc(ms))} milliseconds`;

/** The background jobs' statements (retention, object collection, offset expiry), in Postgres. */
export class PostgresJobStore implements JobStore {
  constructor(private readonly pool: pg.Pool) {}

  async withJobLock(scope: string, work: () => Promise<void>): Promise<void> {
    const client = await this.pool.connect();
    try {
      const { rows } = await client.query<{ locked: boolean }>(
        "SELECT pg_try_advisory_lock(hashtext($1)) AS locked",
        [scope],
      );
      if (!rows[0]?.locked) return;
      try {
        await work();
      } finally {
        await client.query("SELECT pg_advisory_unlock(hashtext($1))", [scope]);
      }
    } finally {
      client.release();
    }
  }

  compactionCandidates(
    clusterId: string | null,
    level: number,
    limit: number,
  ): Promise<CompactionCandidate[]> {
    return compactionCandidates(this.pool, clusterId, level, limit);
  }

  indexRowsOfObjects(keys: readonly string[]): Promise<StoredIndexRow[]> {
    return indexRowsOfObjects(this.pool, keys);
  }

  compactedTopics(clusterId: string | null): Promise<CompactedTopic[]> {
    return compactedTopics(this.pool, clusterId);
  }

  partitionIndexRows(topicId: string, partition: number): Promise<LeveledIndexRow[]> {
    return partitionIndexRows(this.pool, topicId, partition);
  }

  promoteObject(key: string, level: number): Promise<void> {
    return promoteObject(this.pool, key, level);
  }

  recordCompactionOutput(
    clusterId: string,
    key: string,
    sizeBytes: number,
    level: number,
  ): Promise<void> {
    return recordCompactionOutput(this.pool, clusterId, key, sizeBytes, level);
  }

  swapCompactedRows(swap: CompactionSwap): Promise<void> {
    return swapCompactedRows(this.pool, swap);
  }

  async retentionConfigs(
    clusterId: string | null,
    defaultRetentionMs: bigint,
  ): Promise<RetentionConfig[]> {
    const { rows } = await this.pool.query<{
      id: string;
      cluster_id: string;
      retention_ms: string;
      retention_bytes: string;
      cleanup_policy: string;
      timestamp_type: string;
    }>(
      `SELECT t.id, t.cluster_id,
         coalesce(t.configs->>'retention.ms', c.default_retention_ms::text, $2) AS retention_ms,
         coalesce(t.configs->>'retention.bytes', '-1') AS retention_bytes,
         coalesce(t.configs->>'cleanup.policy', 'delete') AS cleanup_policy,
         coalesce(t.configs->>'message.timestamp.type', 'CreateTime') AS timestamp_type
       FROM topics t LEFT JOIN virtual_clusters c ON c.id = t.cluster_id AND c.deleted_at IS NULL
       WHERE $1::text IS NULL OR t.cluster_id = $1
       ORDER BY t.id`,
      [clusterId, defaultRetentionMs.toString()],
    );
    return rows.map((r) => ({
      topicId: r.id,
      clusterId: r.cluster_id,
      retentionMs: BigInt(r.retention_ms),
      retentionBytes: BigInt(r.retention_bytes),
      cleanupPolicy: r.cleanup_policy,
      timestampType: r.timestamp_type,
    }));
  }

  /**
   * The new log starts are found without locks (index rows never change, and rows committed
   * meanwhile only make more old rows deletable), so a pass that finds nothing to drop never
   * holds up commits; the partitions that move are then locked in (topic_id, partition) order,
   * as commits lock them.
   */
  async applyRetention(policy: RetentionPolicy, cutoffMs: bigint): Promise<RetentionPass> {
    const { rows: starts } = await this.pool.query<{ partition: number; log_start: string }>(
      `WITH live AS (
         SELECT i.partition, i.last_offset, p.log_start_offset,
           bool_and(CASE WHEN $4 OR i.max_timestamp < 0 THEN (extract(epoch FROM i.created_at) * 1000)::int8 ELSE i.max_timestamp END < $2)
             OVER (PARTITION BY i.partition ORDER BY i.base_offset) AS expired,
           sum(i.byte_length) OVER (PARTITION BY i.partition ORDER BY i.base_offset DESC) - i.byte_length AS bytes_after
         FROM partition_index i JOIN partitions p ON p.topic_id = i.topic_id AND p.partition = i.partition
         WHERE i.topic_id = $1 AND i.last_offset >= p.log_start_offset
       )
       SELECT partition, (max(last_offset) + 1)::text AS log_start FROM live
       WHERE expired OR ($3 >= 0 AND bytes_after >= $3)
       GROUP BY partition, log_start_offset
       HAVING max(last_offset) + 1 > log_start_offset
       ORDER BY partition`,
      [policy.topicId, cutoffMs.toString(), policy.retentionBytes.toString(), policy.logAppendTime],
    );
    if (starts.length === 0) return { moved: [], indexRowsDeleted: 0 };
    const partitions = starts.map((s) => s.partition);
    return inTransaction(
      this.pool,
      async (tx) => {
        await tx.query(
          "SELECT 1 FROM partitions WHERE topic_id = $1 AND partition = ANY($2::int[]) ORDER BY partition FOR UPDATE",
          [policy.topicId, partitions],
        );
        const { rows } = await tx.query<HeadRow>(
          `UPDATE partitions p SET log_start_offset = u.log_start
           FROM unnest($2::int[], $3::int8[]) AS u(partition, log_start)
           WHERE p.topic_id = $1 AND p.partition = u.partition AND u.log_start > p.log_start_offset
           RETURNING p.topic_id, p.partition, p.next_offset, p.log_start_offset, p.leader_epoch`,
          [policy.topicId, partitions, starts.map((s) => s.log_start)],
        );
        const indexRowsDeleted = await dropIndexRowsBelowLogStart(tx, policy.topicId, partitions);
        const moved = rows.map(toHead);
        await notifyHeadChanges(tx, policy.clusterId, moved);
        return { moved, indexRowsDeleted };
      },
      // Commits of these partitions wait behind this transaction: give up rather than stall them.
      { lockTimeoutMs: 5_000, idleTimeoutMs: 10_000 },
    );
  }

  async scheduleUnreferencedObjects(
    clusterId: string | null,
    graceMs: number,
    limit: number,
  ): Promise<{ candidates: number; scheduled: number }> {
    const { rows } = await this.pool.query<{ candidates: number; scheduled: number }>(
      `WITH candidates AS (
         SELECT o.key, EXISTS (SELECT 1 FROM partition_index i WHERE i.object_key = o.key) AS referenced
         FROM objects o
         WHERE ($1::text IS NULL OR o.cluster_id = $1) AND o.created_at <= now() - $2::interval
           AND (o.state = 'orphaned' OR (o.state = 'released' AND (o.deleted_at IS NULL OR o.deleted_at <= now())))
         LIMIT $3
       ), doomed AS (
         UPDATE objects o SET state = 'deleting', deleted_at = now() + $2::interval
         FROM candidates c WHERE o.key = c.key AND NOT c.referenced
         RETURNING 1
       ), later AS (
         UPDATE objects o SET deleted_at = now() + interval '${RECHECK}'
         FROM candidates c WHERE o.key = c.key AND c.referenced
       )
       SELECT (SELECT count(*) FROM candidates)::int AS candidates, (SELECT count(*) FROM doomed)::int AS scheduled`,
      [clusterId, interval(graceMs), limit],
    );
    return rows[0]!;
  }

  async objectsDueForDeletion(clusterId: string | null, limit: number): Promise<StoredObject[]> {
    const { rows } = await this.pool.query<{ key: string; size_bytes: string }>(
      `SELECT key, size_bytes::text AS size_bytes FROM objects
       WHERE state = 'deleting' AND deleted_at <= now() AND ($1::text IS NULL OR cluster_id = $1)
       ORDER BY deleted_at LIMIT $2`,
      [clusterId, limit],
    );
    return rows.map((r) => ({ key: r.key, sizeBytes: Number(r.size_bytes) }));
  }

  async forgetDeletedObjects(keys: readonly string[]): Promise<void> {
    await this.pool.query(
      "DELETE FROM objects WHERE key = ANY($1::text[]) AND state = 'deleting'",
      [keys],
    );
  }

  async expireCommittedOffsets(
    clusterId: string | null,
    retentionMs: number,
  ): Promise<ExpiredOffsets> {
    const { rows } = await this.pool.query<ExpiredOffsets>(
      `WITH expired_classic AS (
         DELETE FROM consumer_groups g
         WHERE ($1::text IS NULL OR g.cluster_id = $1) AND g.state = 'Empty' AND g.protocol_type IS NOT NULL
           AND g.updated_at < now() - $2::interval
         RETURNING g.cluster_id, g.group_id
       ), expired_consumer AS (
         DELETE FROM consumer_protocol_groups g
         WHERE ($1::text IS NULL OR g.cluster_id = $1) AND g.state = 'Empty'
           AND g.updated_at < now() - $2::interval
         RETURNING g.cluster_id, g.group_id
       ), expired_groups AS (
         SELECT * FROM expired_classic UNION ALL SELECT * FROM expired_consumer
       ), expired AS (
         DELETE FROM committed_offsets o
         WHERE ($1::text IS NULL OR o.cluster_id = $1) AND (
           EXISTS (SELECT 1 FROM expired_groups e WHERE e.cluster_id = o.cluster_id AND e.group_id = o.group_id)
           OR (o.committed_at < now() - $2::interval AND NOT EXISTS (
             SELECT 1 FROM consumer_groups g
             WHERE g.cluster_id = o.cluster_id AND g.group_id = o.group_id AND g.protocol_type IS NOT NULL)
             AND NOT EXISTS (
             SELECT 1 FROM consumer_protocol_groups g
             WHERE g.cluster_id = o.cluster_id AND g.group_id = o.group_id)))
         RETURNING 1
       )
       SELECT (SELECT count(*) FROM expired_groups)::int AS groups, (SELECT count(*) FROM expired)::int AS offsets`,
      [clusterId, interval(retentionMs)],
    );
    return rows[0]!;
  }

  async expireProducerStates(
    clusterId: string | null,
    expirationMs: number,
  ): Promise<ExpiredProducerStates> {
    const result = await this.pool.query(
      `DELETE FROM producer_partition_states
       WHERE ($1::text IS NULL OR cluster_id = $1) AND updated_at < now() - $2::interval`,
      [clusterId, interval(expirationMs)],
    );
    return { partitionStates: result.rowCount ?? 0 };
  }

  async forgetDeadAgents(clusterId: string | null, afterMs: number): Promise<number> {
    const result = await this.pool.query(
      `DELETE FROM agents
       WHERE ($1::text IS NULL OR cluster_id = $1) AND last_heartbeat_at < now() - $2::interval`,
      [clusterId, interval(afterMs)],
    );
    return result.rowCount ?? 0;
  }

  async unknownObjectKeys(keys: readonly string[]): Promise<string[]> {
    const { rows } = await this.pool.query<{ key: string }>(
      `SELECT k.key FROM unnest($1::text[]) AS k(key)
       WHERE NOT EXISTS (SELECT 1 FROM objects o WHERE o.key = k.key)`,
      [keys],
    );
    return rows.map((r) => r.key);
  }
}
