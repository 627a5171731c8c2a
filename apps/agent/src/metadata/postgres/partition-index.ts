import type pg from "pg";
import type { IndexLookup, IndexRow, PartitionHead, PartitionRef } from "../metadata-store.ts";
import { notifyHeadChanges } from "./head-notifications.ts";
import {
  type HeadRow,
  INDEX_COLUMNS,
  type Int8,
  type IndexRowRow,
  type Queryable,
  refArrays,
  toHead,
  toIndexRow,
} from "./rows.ts";
import { inTransaction } from "./transaction.ts";

/** Rows returned per lookup at most, whatever the byte budget. */
const MAX_ROWS_PER_LOOKUP = 500;

export async function partitionHeads(
  db: Queryable,
  clusterId: string,
  refs: readonly PartitionRef[],
): Promise<PartitionHead[]> {
  if (refs.length === 0) return [];
  const { rows } = await db.query<HeadRow>(
    `SELECT p.topic_id, p.partition, p.next_offset, p.log_start_offset, p.leader_epoch
     FROM partitions p JOIN unnest($2::uuid[], $3::int[]) AS u(topic_id, partition)
       ON p.topic_id = u.topic_id AND p.partition = u.partition
     WHERE p.cluster_id = $1`,
    [clusterId, ...refArrays(refs)],
  );
  return rows.map(toHead);
}

/**
 * All lookups in one query. Per lookup: the row containing fromOffset (found backwards on the
 * primary key, so the cost does not grow with the partition's history) and the rows after it,
 * until their byte lengths reach maxBytes.
 */
export async function findIndexRows(
  db: Queryable,
  clusterId: string,
  lookups: readonly IndexLookup[],
): Promise<IndexRow[][]> {
  const result: IndexRow[][] = lookups.map(() => []);
  if (lookups.length === 0) return result;
  const { rows } = await db.query<IndexRowRow & { ord: Int8 }>(
    `SELECT l.ord, r.*
     FROM unnest($2::uuid[], $3::int[], $4::int8[], $5::int8[]) WITH ORDINALITY
       AS l(topic_id, partition, from_offset, max_bytes, ord)
     CROSS JOIN LATERAL (
       SELECT ${INDEX_COLUMNS} FROM (
         SELECT i.*, sum(i.byte_length) OVER (ORDER BY i.base_offset) - i.byte_length AS bytes_before
         FROM partition_index i
         WHERE i.topic_id = l.topic_id AND i.partition = l.partition AND i.cluster_id = $1
           AND i.base_offset >= coalesce((
             SELECT max(s.base_offset) FROM partition_index s
             WHERE s.topic_id = l.topic_id AND s.partition = l.partition AND s.base_offset <= l.from_offset
           ), l.from_offset)
           AND i.last_offset >= l.from_offset
         ORDER BY i.base_offset
         LIMIT ${MAX_ROWS_PER_LOOKUP}
       ) w
       WHERE w.bytes_before < l.max_bytes
     ) r
     ORDER BY l.ord, r.base_offset`,
    [
      clusterId,
      ...refArrays(lookups),
      lookups.map((l) => l.fromOffset.toString()),
      lookups.map((l) => String(Math.max(1, l.maxBytes))),
    ],
  );
  for (const row of rows) result[Number(row.ord) - 1]!.push(toIndexRow(row));
  return result;
}

export async function findIndexRowByTimestamp(
  db: Queryable,
  clusterId: string,
  ref: PartitionRef,
  timestamp: bigint,
): Promise<IndexRow | undefined> {
  const { rows } = await db.query<IndexRowRow>(
    `SELECT ${prefixed("i")} FROM partition_index i
     JOIN partitions p ON p.topic_id = i.topic_id AND p.partition = i.partition
     WHERE i.cluster_id = $1 AND i.topic_id = $2 AND i.partition = $3 AND i.max_timestamp >= $4
       AND i.last_offset >= p.log_start_offset
     ORDER BY i.base_offset LIMIT 1`,
    [clusterId, ref.topicId, ref.partition, timestamp.toString()],
  );
  return rows[0] && toIndexRow(rows[0]);
}

export async function findMaxTimestampIndexRow(
  db: Queryable,
  clusterId: string,
  ref: PartitionRef,
): Promise<IndexRow | undefined> {
  const { rows } = await db.query<IndexRowRow>(
    `SELECT ${prefixed("i")} FROM partition_index i
     JOIN partitions p ON p.topic_id = i.topic_id AND p.partition = i.partition
     WHERE i.cluster_id = $1 AND i.topic_id = $2 AND i.partition = $3 AND i.last_offset >= p.log_start_offset
     ORDER BY i.max_timestamp DESC, i.base_offset LIMIT 1`,
    [clusterId, ref.topicId, ref.partition],
  );
  return rows[0] && toIndexRow(rows[0]);
}

export async function deleteRecordsBefore(
  pool: pg.Pool,
  clusterId: string,
  ref: PartitionRef,
  offset: bigint,
): Promise<PartitionHead | undefined> {
  return inTransaction(pool, async (tx) => {
    const { rows } = await tx.query<HeadRow>(
      `UPDATE partitions SET log_start_offset =
         GREATEST(log_start_offset, CASE WHEN $4::int8 < 0 THEN next_offset ELSE LEAST($4::int8, next_offset) END)
       WHERE cluster_id = $1 AND topic_id = $2 AND partition = $3
       RETURNING topic_id, partition, next_offset, log_start_offset, leader_epoch`,
      [clusterId, ref.topicId, ref.partition, offset.toString()],
    );
    const row = rows[0];
    if (!row) return undefined;
    const head = toHead(row);
    await dropIndexRowsBelowLogStart(tx, ref.topicId, [ref.partition]);
    await notifyHeadChanges(tx, clusterId, [head]);
    return head;
  });
}

/**
 * Deletes the partitions' index rows wholly below their log start offsets and marks the objects
 * they pointed into 'released', for the jobs role to delete once nothing references them.
 * Returns how many rows went.
 */
export async function dropIndexRowsBelowLogStart(
  tx: Queryable,
  topicId: string,
  partitions: readonly number[],
): Promise<number> {
  const { rows } = await tx.query<{ deleted: number }>(
    `WITH deleted AS (
       DELETE FROM partition_index i USING partitions p
       WHERE p.topic_id = $1 AND p.partition = ANY($2::int[])
         AND i.topic_id = p.topic_id AND i.partition = p.partition AND i.last_offset < p.log_start_offset
       RETURNING i.object_key
     ), released AS (
       UPDATE objects SET state = 'released', deleted_at = NULL
       WHERE key IN (SELECT object_key FROM deleted) AND state IN ('committed', 'released')
     )
     SELECT count(*)::int AS deleted FROM deleted`,
    [topicId, partitions],
  );
  return rows[0]!.deleted;
}

function prefixed(alias: string): string {
  return INDEX_COLUMNS.split(", ")
    .map((c) => `${alias}.${c}`)
    .join(", ");
}
