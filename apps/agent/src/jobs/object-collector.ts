import type pg from "pg";
import type { ObjectStore } from "../storage/object-store.ts";

export interface CollectedObjects {
  /** Objects found unreferenced in this pass and scheduled for deletion after the grace period. */
  scheduled: number;
  deleted: number;
  deletedBytes: number;
}

/** Objects handled per statement and store call (S3 DeleteObjects takes up to 1000 keys). */
const BATCH = 1000;

/**
 * Deletes objects no index row references any more: left behind by retention and DeleteRecords,
 * or orphaned by a failed commit. Two steps, so that nothing still in use disappears:
 *   1. an unreferenced object older than the grace period is marked 'deleting', due after the
 *      grace period (fetches that looked up its rows before they went have that long to read);
 *   2. objects due are deleted from the store, then their rows.
 * Index rows only ever point at new objects, so an unreferenced object stays unreferenced.
 */
export async function collectObjects(
  pool: pg.Pool,
  store: ObjectStore,
  options: { clusterId: string | null; graceMs: number },
): Promise<CollectedObjects> {
  const grace = `${Math.max(0, Math.trunc(options.graceMs))} milliseconds`;
  const scheduled = await pool.query(
    `UPDATE objects SET state = 'deleting', deleted_at = now() + $2::interval
     WHERE key IN (
       SELECT o.key FROM objects o
       WHERE o.state IN ('committed', 'orphaned') AND ($1::text IS NULL OR o.cluster_id = $1)
         AND o.created_at <= now() - $2::interval
         AND NOT EXISTS (SELECT 1 FROM partition_index i WHERE i.object_key = o.key)
       LIMIT ${BATCH}
     )`,
    [options.clusterId, grace],
  );
  let deleted = 0;
  let deletedBytes = 0;
  for (;;) {
    const { rows } = await pool.query<{ key: string; size_bytes: string }>(
      `SELECT key, size_bytes::text AS size_bytes FROM objects
       WHERE state = 'deleting' AND deleted_at <= now() AND ($1::text IS NULL OR cluster_id = $1)
       ORDER BY deleted_at LIMIT ${BATCH}`,
      [options.clusterId],
    );
    if (rows.length === 0) break;
    const keys = rows.map((r) => r.key);
    await store.delete(keys);
    await pool.query("DELETE FROM objects WHERE key = ANY($1::text[]) AND state = 'deleting'", [keys]);
    deleted += rows.length;
    deletedBytes += rows.reduce((sum, r) => sum + Number(r.size_bytes), 0);
    if (rows.length < BATCH) break;
  }
  return { scheduled: scheduled.rowCount ?? 0, deleted, deletedBytes };
}
