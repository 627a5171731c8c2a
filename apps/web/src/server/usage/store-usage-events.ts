import type { PrismaClient } from "@streambed/db";
import { samePayload, type UsageEventRow } from "./usage-event.ts";

export type StoreResult =
  { ok: true; inserted: number; duplicates: number } | { ok: false; conflictingKeys: string[] };

/**
 * Stores each event once and adds only the newly inserted ones to their hour's rollup, so a
 * resend changes nothing; a key already stored with another payload is a conflict and then
 * nothing of the batch is stored. One statement (atomic, one round trip): the conflict check, the
 * insert (ON CONFLICT DO NOTHING on the idempotency key) and the rollup upsert. The check reads
 * the statement's snapshot; the one race it leaves, the same key committed concurrently with
 * another payload, ends as a duplicate (the first payload stands) rather than a conflict.
 */
export async function storeUsageEvents(
  prisma: PrismaClient,
  events: readonly UsageEventRow[],
): Promise<StoreResult> {
  const conflictingInBatch = conflictsWithinBatch(events);
  if (conflictingInBatch.length > 0) return { ok: false, conflictingKeys: conflictingInBatch };
  if (events.length === 0) return { ok: true, inserted: 0, duplicates: 0 };
  const rows = await prisma.$queryRawUnsafe<{ outcome: "conflict" | "inserted"; key: string }[]>(
    `WITH incoming AS (
       SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[],
                            $6::timestamptz[], $7::int[], $8::bigint[])
         AS t(idempotency_key, organization_id, cluster_id, source, dimension,
              window_start, window_seconds, quantity)
     ), conflicts AS (
       SELECT i.idempotency_key FROM incoming i JOIN usage_events e USING (idempotency_key)
       WHERE (e.organization_id, e.cluster_id, e.source, e.dimension, e.window_start,
              e.window_seconds, e.quantity)
             IS DISTINCT FROM (i.organization_id, i.cluster_id, i.source, i.dimension,
                               i.window_start, i.window_seconds, i.quantity)
     ), inserted AS (
       INSERT INTO usage_events (idempotency_key, organization_id, cluster_id, source, dimension,
                                 window_start, window_seconds, quantity)
       SELECT * FROM incoming WHERE NOT EXISTS (SELECT 1 FROM conflicts)
       ON CONFLICT (idempotency_key) DO NOTHING
       RETURNING idempotency_key, organization_id, cluster_id, dimension, window_start, quantity
     ), rolled_up AS (
       INSERT INTO usage_hourly (cluster_id, dimension, hour_start, organization_id, quantity, updated_at)
       SELECT cluster_id, dimension, date_trunc('hour', window_start, 'UTC'),
              min(organization_id), sum(quantity)::bigint, now()
       FROM inserted GROUP BY 1, 2, 3
       ON CONFLICT (cluster_id, dimension, hour_start) DO UPDATE
         SET quantity = usage_hourly.quantity + EXCLUDED.quantity, updated_at = now()
     )
     SELECT 'conflict' AS outcome, idempotency_key AS key FROM conflicts
     UNION ALL
     SELECT 'inserted', idempotency_key FROM inserted`,
    events.map((e) => e.idempotencyKey),
    events.map((e) => e.organizationId),
    events.map((e) => e.clusterId),
    events.map((e) => e.source),
    events.map((e) => e.dimension),
    events.map((e) => e.windowStart.toISOString()),
    events.map((e) => e.windowSeconds),
    events.map((e) => e.quantity.toString()),
  );
  const conflicting = rows.filter((r) => r.outcome === "conflict").map((r) => r.key);
  if (conflicting.length > 0) return { ok: false, conflictingKeys: [...new Set(conflicting)] };
  const inserted = rows.length;
  return { ok: true, inserted, duplicates: events.length - inserted };
}

/** Keys sent twice in one batch with different payloads. */
function conflictsWithinBatch(events: readonly UsageEventRow[]): string[] {
  const seen = new Map<string, UsageEventRow>();
  const conflicting = new Set<string>();
  for (const e of events) {
    const first = seen.get(e.idempotencyKey);
    if (first === undefined) seen.set(e.idempotencyKey, e);
    else if (!samePayload(first, e)) conflicting.add(e.idempotencyKey);
  }
  return [...conflicting];
}
