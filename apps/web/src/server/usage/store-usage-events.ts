import type { PrismaClient } from "@streambed/db";
import { samePayload, type UsageEventRow } from "./usage-event.ts";

export type StoreResult =
  { ok: true; inserted: number; duplicates: number } | { ok: false; conflictingKeys: string[] };

/** Thrown inside the transaction to roll it back: nothing of a conflicting batch is stored. */
class PayloadConflict extends Error {
  constructor(readonly keys: string[]) {
    super("usage events conflict with stored ones");
  }
}

interface StoredEventRow {
  idempotency_key: string;
  organization_id: string;
  cluster_id: string;
  source: string;
  dimension: string;
  window_start: Date;
  window_seconds: number;
  quantity: bigint;
}

/**
 * Stores each event once (ON CONFLICT DO NOTHING on its idempotency key) and, in the same
 * statement, adds only the newly inserted ones to their hour's rollup, so a resend changes
 * nothing. A key already stored with another payload is a conflict: the whole batch rolls back.
 */
export async function storeUsageEvents(
  prisma: PrismaClient,
  events: readonly UsageEventRow[],
): Promise<StoreResult> {
  const conflictingInBatch = conflictsWithinBatch(events);
  if (conflictingInBatch.length > 0) return { ok: false, conflictingKeys: conflictingInBatch };
  if (events.length === 0) return { ok: true, inserted: 0, duplicates: 0 };
  try {
    return await prisma.$transaction(async (tx) => {
      const inserted = await tx.$queryRawUnsafe<{ idempotency_key: string }[]>(
        `WITH incoming AS (
           SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[],
                                $6::timestamptz[], $7::int[], $8::bigint[])
             AS t(idempotency_key, organization_id, cluster_id, source, dimension,
                  window_start, window_seconds, quantity)
         ), inserted AS (
           INSERT INTO usage_events (idempotency_key, organization_id, cluster_id, source, dimension,
                                     window_start, window_seconds, quantity)
           SELECT * FROM incoming
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
         SELECT idempotency_key FROM inserted`,
        events.map((e) => e.idempotencyKey),
        events.map((e) => e.organizationId),
        events.map((e) => e.clusterId),
        events.map((e) => e.source),
        events.map((e) => e.dimension),
        events.map((e) => e.windowStart.toISOString()),
        events.map((e) => e.windowSeconds),
        events.map((e) => e.quantity.toString()),
      );
      const insertedKeys = new Set(inserted.map((r) => r.idempotency_key));
      const resent = events.filter((e) => !insertedKeys.has(e.idempotencyKey));
      if (resent.length > 0) {
        // A fresh snapshot (READ COMMITTED): sees rows a concurrent batch committed meanwhile.
        const stored = await tx.$queryRawUnsafe<StoredEventRow[]>(
          `SELECT idempotency_key, organization_id, cluster_id, source, dimension, window_start,
                  window_seconds, quantity
           FROM usage_events WHERE idempotency_key = ANY($1::text[])`,
          resent.map((e) => e.idempotencyKey),
        );
        const byKey = new Map(stored.map((row) => [row.idempotency_key, toUsageEventRow(row)]));
        const conflicting = resent
          .filter((e) => {
            const existing = byKey.get(e.idempotencyKey);
            return existing === undefined || !samePayload(existing, e);
          })
          .map((e) => e.idempotencyKey);
        if (conflicting.length > 0) throw new PayloadConflict([...new Set(conflicting)]);
      }
      return { ok: true as const, inserted: insertedKeys.size, duplicates: resent.length };
    });
  } catch (err) {
    if (err instanceof PayloadConflict) return { ok: false, conflictingKeys: err.keys };
    throw err;
  }
}

function toUsageEventRow(row: StoredEventRow): UsageEventRow {
  return {
    idempotencyKey: row.idempotency_key,
    organizationId: row.organization_id,
    clusterId: row.cluster_id,
    source: row.source,
    dimension: row.dimension as UsageEventRow["dimension"],
    windowStart: row.window_start,
    windowSeconds: row.window_seconds,
    quantity: BigInt(row.quantity),
  };
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
