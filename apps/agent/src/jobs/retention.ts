import type pg from "pg";
import type { PartitionHead } from "../metadata/metadata-store.ts";
import { notifyHeadChanges } from "../metadata/postgres/head-notifications.ts";
import { dropIndexRowsBelowLogStart } from "../metadata/postgres/partition-index.ts";
import { type HeadRow, toHead } from "../metadata/postgres/rows.ts";
import { inTransaction } from "../metadata/postgres/transaction.ts";
import { DEFAULT_CLUSTER_SETTINGS } from "../server/cluster-settings.ts";

/** A topic's retention, as its configs (or its cluster's defaults) set it. */
export interface RetentionPolicy {
  topicId: string;
  clusterId: string;
  /** -1: keep regardless of age. */
  retentionMs: bigint;
  /** -1: keep regardless of size. */
  retentionBytes: bigint;
  /** LogAppendTime topics age by commit time, not by the producers' timestamps. */
  logAppendTime: boolean;
}

export interface RetentionPass {
  /** Partitions whose log start moved, with their new heads. */
  moved: PartitionHead[];
  indexRowsDeleted: number;
}

const INT64_MIN = -(2n ** 63n);

/**
 * Topics whose records may be deleted by age or size: cleanup.policy includes "delete" (compacted
 * topics keep everything until compaction exists) and retention.ms or retention.bytes is set.
 */
export async function retentionPolicies(
  db: pg.Pool,
  clusterId: string | null,
): Promise<RetentionPolicy[]> {
  const { rows } = await db.query<{
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
    [clusterId, DEFAULT_CLUSTER_SETTINGS.defaultRetentionMs.toString()],
  );
  return rows
    .map((r) => ({
      topicId: r.id,
      clusterId: r.cluster_id,
      retentionMs: BigInt(r.retention_ms),
      retentionBytes: BigInt(r.retention_bytes),
      logAppendTime: r.timestamp_type === "LogAppendTime",
      deletes: r.cleanup_policy.split(",").some((p) => p.trim() === "delete"),
    }))
    .filter((p) => p.deletes && (p.retentionMs >= 0n || p.retentionBytes >= 0n))
    .map(({ deletes: _, ...policy }) => policy);
}

/**
 * Applies one topic's retention the way Kafka deletes whole old segments: in each partition, the
 * oldest index rows go while every row up to them is older than retention.ms, and while the rows
 * after them alone hold at least retention.bytes. The log start moves past them, their rows are
 * deleted (their objects released), and every agent hears of the new heads.
 *
 * The new log starts are found without locks (index rows never change, and rows committed
 * meanwhile only make more old rows deletable), so a pass that finds nothing to drop never holds
 * up commits; the partitions that move are then locked in (topic_id, partition) order, as
 * commits lock them.
 */
export async function applyRetention(
  pool: pg.Pool,
  policy: RetentionPolicy,
  nowMs: bigint,
): Promise<RetentionPass> {
  const cutoff = policy.retentionMs >= 0n ? nowMs - policy.retentionMs : INT64_MIN;
  const { rows: starts } = await pool.query<{ partition: number; log_start: string }>(
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
    [policy.topicId, cutoff.toString(), policy.retentionBytes.toString(), policy.logAppendTime],
  );
  if (starts.length === 0) return { moved: [], indexRowsDeleted: 0 };
  const partitions = starts.map((s) => s.partition);
  return inTransaction(
    pool,
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
