import type pg from "pg";

export interface ExpiredOffsets {
  groups: number;
  offsets: number;
}

/**
 * Kafka's committed-offset expiry (offsets.retention.minutes, KIP-211): the offsets of a group
 * with members never expire; a consumer group that has been Empty for the retention (since its
 * last state change) goes with all its offsets; offsets committed without group membership
 * (no group protocol, e.g. a standalone consumer or an admin tool) expire one by one, the
 * retention after they were committed.
 */
export async function expireCommittedOffsets(
  pool: pg.Pool,
  options: { clusterId: string | null; retentionMs: number },
): Promise<ExpiredOffsets> {
  const { rows } = await pool.query<{ groups: number; offsets: number }>(
    `WITH expired_groups AS (
       DELETE FROM consumer_groups g
       WHERE ($1::text IS NULL OR g.cluster_id = $1) AND g.state = 'Empty' AND g.protocol_type IS NOT NULL
         AND g.updated_at < now() - $2::interval
       RETURNING g.cluster_id, g.group_id
     ), expired AS (
       DELETE FROM committed_offsets o
       WHERE ($1::text IS NULL OR o.cluster_id = $1) AND (
         EXISTS (SELECT 1 FROM expired_groups e WHERE e.cluster_id = o.cluster_id AND e.group_id = o.group_id)
         OR (o.committed_at < now() - $2::interval AND NOT EXISTS (
           SELECT 1 FROM consumer_groups g
           WHERE g.cluster_id = o.cluster_id AND g.group_id = o.group_id AND g.protocol_type IS NOT NULL)))
       RETURNING 1
     )
     SELECT (SELECT count(*) FROM expired_groups)::int AS groups, (SELECT count(*) FROM expired)::int AS offsets`,
    [options.clusterId, `${Math.max(0, Math.trunc(options.retentionMs))} milliseconds`],
  );
  return rows[0]!;
}
