import type pg from "pg";
import type { ClientQuota, QuotaEntity } from "../../quotas/client-quota-entity.ts";
import type { QuotaChange, QuotaStore } from "../quota-store.ts";
import { inTransaction } from "./transaction.ts";

/** client_quotas.entity: canonical JSON text of the entity's [type, name] pairs. */
const entityKey = (entity: QuotaEntity) =>
  JSON.stringify(entity.map((p) => [p.entityType, p.entityName]));

const entityOf = (key: string): QuotaEntity =>
  (JSON.parse(key) as [string, string | null][]).map(([entityType, entityName]) => ({
    entityType,
    entityName,
  }));

/** Client quotas in Postgres (client_quotas). */
export class PostgresQuotaStore implements QuotaStore {
  constructor(private readonly pool: pg.Pool) {}

  async alter(clusterId: string, changes: readonly QuotaChange[]): Promise<void> {
    const rows = changes.flatMap((c) =>
      c.ops.map((op) => ({ entity: entityKey(c.entity), ...op })),
    );
    const set = rows.filter((r) => !r.remove);
    const removed = rows.filter((r) => r.remove);
    await inTransaction(this.pool, async (tx) => {
      if (removed.length > 0)
        await tx.query(
          `DELETE FROM client_quotas q USING unnest($2::text[], $3::text[]) AS x(e, k)
            WHERE q.cluster_id = $1 AND q.entity = x.e AND q.quota_key = x.k`,
          [clusterId, removed.map((r) => r.entity), removed.map((r) => r.key)],
        );
      if (set.length > 0)
        await tx.query(
          `INSERT INTO client_quotas (cluster_id, entity, quota_key, value, updated_at)
           SELECT $1, e, k, v, now() FROM unnest($2::text[], $3::text[], $4::float8[]) AS x(e, k, v)
           ON CONFLICT (cluster_id, entity, quota_key) DO UPDATE SET
             value = EXCLUDED.value, updated_at = EXCLUDED.updated_at`,
          [clusterId, set.map((r) => r.entity), set.map((r) => r.key), set.map((r) => r.value)],
        );
    });
  }

  async list(clusterId: string): Promise<ClientQuota[]> {
    const { rows } = await this.pool.query<{ entity: string; quota_key: string; value: number }>(
      `SELECT entity, quota_key, value FROM client_quotas WHERE cluster_id = $1
        ORDER BY entity, quota_key`,
      [clusterId],
    );
    const byEntity = new Map<string, ClientQuota>();
    for (const r of rows) {
      const quota = byEntity.get(r.entity) ?? { entity: entityOf(r.entity), values: [] };
      quota.values.push({ key: r.quota_key, value: r.value });
      byEntity.set(r.entity, quota);
    }
    return [...byEntity.values()];
  }
}
