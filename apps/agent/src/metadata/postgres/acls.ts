import type pg from "pg";
import { ulid } from "ulid";
import type { AclBinding } from "../../acl/acl-binding.ts";
import type {
  AclChangeActor,
  AclChangeSubscription,
  AclStore,
  ClusterAcls,
  StoredAclBinding,
} from "../acl-store.ts";
import { type ChannelListenerOptions, listenOnChannel } from "./channel-listener.ts";
import type { Queryable } from "./rows.ts";
import { inTransaction } from "./transaction.ts";

/** The channel the acl_bindings, virtual_clusters and kafka_credentials triggers notify on. */
export const ACLS_CHANNEL = "streambed_acls";

interface BindingRow {
  id: string;
  resource_type: string;
  resource_name: string;
  pattern_type: string;
  principal: string;
  host: string;
  operation: string;
  permission: string;
}

const bindingColumns =
  "id, resource_type, resource_name, pattern_type, principal, host, operation, permission";

const bindingOf = (r: BindingRow): StoredAclBinding => ({
  id: r.id,
  resourceType: r.resource_type as AclBinding["resourceType"],
  resourceName: r.resource_name,
  patternType: r.pattern_type as AclBinding["patternType"],
  principal: r.principal,
  host: r.host,
  operation: r.operation as AclBinding["operation"],
  permission: r.permission as AclBinding["permission"],
});

const describeBinding = (b: AclBinding) => ({
  resourceType: b.resourceType,
  resourceName: b.resourceName,
  patternType: b.patternType,
  principal: b.principal,
  host: b.host,
  operation: b.operation,
  permission: b.permission,
});

/** ACLs in Postgres; changes are audited in audit_logs like the console's. */
export class PostgresAclStore implements AclStore {
  constructor(
    private readonly pool: pg.Pool,
    private readonly listenerOptions: ChannelListenerOptions = {},
  ) {}

  async clusterAcls(clusterId: string): Promise<ClusterAcls> {
    const [cluster, superusers, bindings] = await Promise.all([
      this.pool.query<{ acl_enforcement: boolean }>(
        "SELECT acl_enforcement FROM virtual_clusters WHERE id = $1 AND deleted_at IS NULL",
        [clusterId],
      ),
      this.pool.query<{ username: string }>(
        `SELECT username FROM kafka_credentials
          WHERE cluster_id = $1 AND superuser AND revoked_at IS NULL`,
        [clusterId],
      ),
      this.pool.query<BindingRow>(
        `SELECT ${bindingColumns} FROM acl_bindings WHERE cluster_id = $1 ORDER BY created_at, id`,
        [clusterId],
      ),
    ]);
    return {
      enforcement: cluster.rows[0]?.acl_enforcement ?? false,
      superusers: superusers.rows.map((r) => r.username),
      bindings: bindings.rows.map(bindingOf),
    };
  }

  async create(
    clusterId: string,
    bindings: readonly AclBinding[],
    actor: AclChangeActor,
  ): Promise<void> {
    if (bindings.length === 0) return;
    await inTransaction(this.pool, async (tx) => {
      const { rows } = await tx.query<BindingRow>(
        `INSERT INTO acl_bindings (id, cluster_id, resource_type, resource_name, pattern_type, principal, host, operation, permission)
         SELECT id, $1, rt, rn, pt, pr, h, op, pe
           FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[])
             AS x(id, rt, rn, pt, pr, h, op, pe)
         ON CONFLICT (cluster_id, resource_type, resource_name, pattern_type, principal, host, operation, permission) DO NOTHING
         RETURNING ${bindingColumns}`,
        [
          clusterId,
          bindings.map(() => ulid()),
          bindings.map((b) => b.resourceType),
          bindings.map((b) => b.resourceName),
          bindings.map((b) => b.patternType),
          bindings.map((b) => b.principal),
          bindings.map((b) => b.host),
          bindings.map((b) => b.operation),
          bindings.map((b) => b.permission),
        ],
      );
      await audit(tx, clusterId, "acl.created", rows.map(bindingOf), actor);
    });
  }

  async delete(
    clusterId: string,
    ids: readonly string[],
    actor: AclChangeActor,
  ): Promise<StoredAclBinding[]> {
    if (ids.length === 0) return [];
    return inTransaction(this.pool, async (tx) => {
      const { rows } = await tx.query<BindingRow>(
        `DELETE FROM acl_bindings WHERE cluster_id = $1 AND id = ANY($2::text[])
         RETURNING ${bindingColumns}`,
        [clusterId, ids],
      );
      const deleted = rows.map(bindingOf);
      await audit(tx, clusterId, "acl.deleted", deleted, actor);
      return deleted;
    });
  }

  subscribeChanges(handlers: {
    onChange(clusterId: string): void;
    onResync(): void;
  }): AclChangeSubscription {
    return listenOnChannel(
      this.pool,
      ACLS_CHANNEL,
      { onPayload: (clusterId) => handlers.onChange(clusterId), onResync: handlers.onResync },
      this.listenerOptions,
    );
  }
}

/**
 * One audit_logs row per binding, in the cluster's organization, as the console writes them; the
 * actor is a Kafka principal, not a console user, so it goes in the metadata.
 */
async function audit(
  tx: Queryable,
  clusterId: string,
  action: "acl.created" | "acl.deleted",
  bindings: readonly StoredAclBinding[],
  actor: AclChangeActor,
): Promise<void> {
  if (bindings.length === 0) return;
  await tx.query(
    `INSERT INTO audit_logs (id, organization_id, action, target_type, target_id, metadata, ip)
     SELECT x.audit_id, c.organization_id, $2, 'acl_binding', x.binding_id, x.metadata, $3
       FROM virtual_clusters c,
            unnest($4::text[], $5::text[], $6::jsonb[]) AS x(audit_id, binding_id, metadata)
      WHERE c.id = $1`,
    [
      clusterId,
      action,
      actor.host,
      bindings.map(() => ulid()),
      bindings.map((b) => b.id),
      bindings.map((b) =>
        JSON.stringify({
          clusterId,
          principal: actor.principal,
          via: "kafka",
          binding: describeBinding(b),
        }),
      ),
    ],
  );
}
