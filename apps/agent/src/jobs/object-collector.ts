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

/** How long a released object found still referenced waits before it is checked again. */
const RECHECK = "1 hour";

/**
 * Deletes objects no index row references any more. Only objects that may have become garbage are
 * looked at: 'released' ones (retention, DeleteRecords or a topic deletion dropped index rows
 * pointing into them) and 'orphaned' ones (a failed commit). Two steps, so that nothing still in
 * use disappears:
 *   1. such an object older than the grace period and referenced by no index row is marked
 *      'deleting', due after the grace period (fetches that looked up its rows before they went
 *      have that long to read); one still holding rows of other partitions is checked again later
 *      (or as soon as more of its rows are dropped);
 *   2. objects due are deleted from the store, then their rows.
 * Index rows only ever point at new objects, so an unreferenced object stays unreferenced.
 */
export async function collectObjects(
  pool: pg.Pool,
  store: ObjectStore,
  options: { clusterId: string | null; graceMs: number },
): Promise<CollectedObjects> {
  const grace = `${Math.max(0, Math.trunc(options.graceMs))} milliseconds`;
  let scheduled = 0;
  for (;;) {
    const { rows } = await pool.query<{ candidates: number; scheduled: number }>(
      `WITH candidates AS (
         SELECT o.key, EXISTS (SELECT 1 FROM partition_index i WHERE i.object_key = o.key) AS referenced
         FROM objects o
         WHERE ($1::text IS NULL OR o.cluster_id = $1) AND o.created_at <= now() - $2::interval
           AND (o.state = 'orphaned' OR (o.state = 'released' AND (o.deleted_at IS NULL OR o.deleted_at <= now())))
         LIMIT ${BATCH}
       ), doomed AS (
         UPDATE objects o SET state = 'deleting', deleted_at = now() + $2::interval
         FROM candidates c WHERE o.key = c.key AND NOT c.referenced
         RETURNING 1
       ), later AS (
         UPDATE objects o SET deleted_at = now() + interval '${RECHECK}'
         FROM candidates c WHERE o.key = c.key AND c.referenced
       )
       SELECT (SELECT count(*) FROM candidates)::int AS candidates, (SELECT count(*) FROM doomed)::int AS scheduled`,
      [options.clusterId, grace],
    );
    scheduled += rows[0]!.scheduled;
    if (rows[0]!.candidates < BATCH) break;
  }
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
    await pool.query("DELETE FROM objects WHERE key = ANY($1::text[]) AND state = 'deleting'", [
      keys,
    ]);
    deleted += rows.length;
    deletedBytes += rows.reduce((sum, r) => sum + Number(r.size_bytes), 0);
    if (rows.length < BATCH) break;
  }
  return { scheduled, deleted, deletedBytes };
}
