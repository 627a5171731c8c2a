import { hashAgentKey } from "@streambed/db";
import type { Queryable } from "../metadata/postgres/rows.ts";

/** An agent key that does not prove a cluster: the agent does not start. */
export class AgentKeyError extends Error {
  override readonly name = "AgentKeyError";
}

/**
 * The cluster a dedicated agent serves, proven by its agent key (made in the console, which
 * keeps only the key's hash). Refuses an unknown or revoked key, a key of a deleted cluster, and
 * a --cluster-id naming another cluster than the key's. Marks the key as used.
 */
export async function clusterOfAgentKey(db: Queryable, secret: string, claimedClusterId: string | null): Promise<string> {
  const { rows } = await db.query<{ id: string; cluster_id: string; revoked: boolean; cluster_deleted: boolean }>(
    `SELECT k.id, k.cluster_id, k.revoked_at IS NOT NULL AS revoked, c.deleted_at IS NOT NULL AS cluster_deleted
     FROM agent_keys k JOIN virtual_clusters c ON c.id = k.cluster_id WHERE k.key_hash = $1`,
    [hashAgentKey(secret)],
  );
  const key = rows[0];
  if (!key) throw new AgentKeyError("the agent key is not known (copy it again from the console: Credentials, agent keys)");
  if (key.revoked) throw new AgentKeyError("the agent key was revoked");
  if (key.cluster_deleted) throw new AgentKeyError(`the agent key's cluster ${key.cluster_id} was deleted`);
  if (claimedClusterId !== null && claimedClusterId !== key.cluster_id) {
    throw new AgentKeyError(`--cluster-id ${claimedClusterId} is not the agent key's cluster (${key.cluster_id})`);
  }
  await db.query("UPDATE agent_keys SET last_used_at = now() WHERE id = $1", [key.id]);
  return key.cluster_id;
}
