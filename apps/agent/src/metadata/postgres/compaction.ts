import type pg from "pg";
import type { TopicConfigs } from "../metadata-store.ts";
import {
  type CompactedTopic,
  type CompactionCandidate,
  CompactionConflictError,
  type CompactionSwap,
  type LeveledIndexRow,
  type StoredIndexRow,
} from "../job-store.ts";
import { INDEX_COLUMNS, type IndexRowRow, type Queryable, toIndexRow } from "./rows.ts";
import { inTransaction } from "./transaction.ts";

/**
 * Produce commits queue behind a swap's partition locks: the swap gives up rather than stall them
 * (it is retried at the next pass).
 */
const SWAP_LIMITS = { lockTimeoutMs: 5_000, idleTimeoutMs: 10_000 };

export async function compactionCandidates(
  db: Queryable,
  clusterId: string | null,
  level: number,
  limit: number,
): Promise<CompactionCandidate[]> {
  const { rows } = await db.query<{ key: string; cluster_id: string; size_bytes: string }>(
    `SELECT o.key, o.cluster_id, o.size_bytes::text AS size_bytes FROM objects o
     WHERE ($1::text IS NULL OR o.cluster_id = $1) AND o.level = $2 AND o.state IN ('committed', 'released')
       AND EXISTS (SELECT 1 FROM partition_index i WHERE i.object_key = o.key)
     ORDER BY o.created_at, o.key LIMIT $3`,
    [clusterId, level, limit],
  );
  return rows.map((r) => ({
    key: r.key,
    clusterId: r.cluster_id,
    sizeBytes: Number(r.size_bytes),
  }));
}

export async function indexRowsOfObjects(
  db: Queryable,
  keys: readonly string[],
): Promise<StoredIndexRow[]> {
  const { rows } = await db.query<IndexRowRow & { created_at: Date }>(
    `SELECT ${INDEX_COLUMNS}, created_at FROM partition_index WHERE object_key = ANY($1::text[])
     ORDER BY topic_id, partition, base_offset`,
    [keys],
  );
  return rows.map((r) => ({ ...toIndexRow(r), createdAt: r.created_at }));
}

export async function compactedTopics(
  db: Queryable,
  clusterId: string | null,
): Promise<CompactedTopic[]> {
  const { rows } = await db.query<{
    id: string;
    cluster_id: string;
    partition_count: number;
    configs: TopicConfigs;
  }>(
    `SELECT id, cluster_id, partition_count, configs FROM topics
     WHERE ($1::text IS NULL OR cluster_id = $1)
       AND 'compact' = ANY(string_to_array(replace(configs->>'cleanup.policy', ' ', ''), ','))
     ORDER BY id`,
    [clusterId],
  );
  return rows.map((r) => ({
    topicId: r.id,
    clusterId: r.cluster_id,
    partitionCount: r.partition_count,
    configs: r.configs,
  }));
}

export async function partitionIndexRows(
  db: Queryable,
  topicId: string,
  partition: number,
): Promise<LeveledIndexRow[]> {
  const { rows } = await db.query<IndexRowRow & { created_at: Date; level: number | null }>(
    `SELECT ${INDEX_COLUMNS.split(", ")
      .map((c) => `i.${c}`)
      .join(", ")}, i.created_at, o.level
     FROM partition_index i
     JOIN partitions p ON p.topic_id = i.topic_id AND p.partition = i.partition
     LEFT JOIN objects o ON o.key = i.object_key
     WHERE i.topic_id = $1 AND i.partition = $2 AND i.last_offset >= p.log_start_offset
     ORDER BY i.base_offset`,
    [topicId, partition],
  );
  return rows.map((r) => ({ ...toIndexRow(r), createdAt: r.created_at, level: r.level ?? 0 }));
}

export async function promoteObject(db: Queryable, key: string, level: number): Promise<void> {
  await db.query("UPDATE objects SET level = $2 WHERE key = $1 AND level < $2", [key, level]);
}

export async function recordCompactionOutput(
  db: Queryable,
  clusterId: string,
  key: string,
  sizeBytes: number,
  level: number,
): Promise<void> {
  await db.query(
    `INSERT INTO objects (key, cluster_id, size_bytes, level, state) VALUES ($1, $2, $3, $4, 'orphaned')`,
    [key, clusterId, sizeBytes, level],
  );
}

/**
 * The swap. Partitions are locked in (topic_id, partition) order, as commits and retention lock
 * them, so the three queue instead of deadlocking; with the locks held, retention and
 * DeleteRecords cannot drop rows between the check that every replaced row is still there and
 * the insert of the rows replacing them (which would bring back rows below the log start).
 * Commits only add rows above the replaced ones, so they never conflict with a swap.
 */
export async function swapCompactedRows(pool: pg.Pool, swap: CompactionSwap): Promise<void> {
  const partitions = new Map(swap.replaced.map((r) => [`${r.topicId}:${r.partition}`, r]));
  await inTransaction(
    pool,
    async (tx) => {
      await tx.query(
        `SELECT 1 FROM partitions p JOIN unnest($1::uuid[], $2::int[]) AS u(topic_id, partition)
           ON p.topic_id = u.topic_id AND p.partition = u.partition
         ORDER BY p.topic_id, p.partition FOR UPDATE OF p`,
        [
          [...partitions.values()].map((p) => p.topicId),
          [...partitions.values()].map((p) => p.partition),
        ],
      );
      const deleted = await tx.query(
        `DELETE FROM partition_index i
         USING unnest($1::uuid[], $2::int[], $3::int8[], $4::text[]) AS u(topic_id, partition, base_offset, object_key)
         WHERE i.topic_id = u.topic_id AND i.partition = u.partition AND i.base_offset = u.base_offset
           AND i.object_key = u.object_key`,
        [
          swap.replaced.map((r) => r.topicId),
          swap.replaced.map((r) => r.partition),
          swap.replaced.map((r) => r.baseOffset.toString()),
          swap.replaced.map((r) => r.objectKey),
        ],
      );
      if (deleted.rowCount !== swap.replaced.length)
        throw new CompactionConflictError(
          `${swap.replaced.length - (deleted.rowCount ?? 0)} replaced index rows are gone`,
        );
      const w = swap.written;
      await tx.query(
        `INSERT INTO partition_index (topic_id, partition, base_offset, last_offset, cluster_id, object_key,
           byte_offset, byte_length, max_timestamp, record_count, created_at)
         SELECT u.topic_id, u.partition, u.base_offset, u.last_offset, $1, u.object_key, u.byte_offset, u.byte_length,
           u.max_timestamp, u.record_count, u.created_at
         FROM unnest($2::text[], $3::uuid[], $4::int[], $5::int8[], $6::int8[], $7::int8[], $8::int[], $9::int8[], $10::int[], $11::timestamptz[])
           AS u(object_key, topic_id, partition, base_offset, last_offset, byte_offset, byte_length, max_timestamp, record_count, created_at)`,
        [
          swap.clusterId,
          w.map((r) => r.objectKey),
          w.map((r) => r.topicId),
          w.map((r) => r.partition),
          w.map((r) => r.baseOffset.toString()),
          w.map((r) => r.lastOffset.toString()),
          w.map((r) => r.byteOffset),
          w.map((r) => r.byteLength),
          w.map((r) => r.maxTimestamp.toString()),
          w.map((r) => r.recordCount),
          w.map((r) => r.createdAt),
        ],
      );
      const outputs = await tx.query(
        "UPDATE objects SET state = 'committed' WHERE key = ANY($1::text[]) AND state = 'orphaned'",
        [swap.outputKeys],
      );
      if (outputs.rowCount !== swap.outputKeys.length)
        throw new CompactionConflictError("an output was collected meanwhile");
      await tx.query(
        `UPDATE objects SET state = 'released', deleted_at = NULL
         WHERE key = ANY($1::text[]) AND state IN ('committed', 'released')`,
        [swap.inputKeys],
      );
    },
    SWAP_LIMITS,
  );
}
