import { hashAgentKey } from "@streambed/db";
import type { Logger } from "pino";
import type { Queryable } from "../metadata/postgres/rows.ts";

/** An agent key that does not (or no longer) prove a cluster: the agent does not start, or stops. */
export class AgentKeyError extends Error {
  override readonly name = "AgentKeyError";
}

/** How often a running agent checks that its key still holds: revocation takes effect within this. */
const AGENT_KEY_CHECK_INTERVAL_MS = 5000;

/**
 * The cluster a dedicated agent serves, proven by its agent key (made in the console, which
 * keeps only the key's hash). Refuses an unknown or revoked key, a key of a deleted cluster, and
 * a --cluster-id naming another cluster than the key's. Marks the key as used.
 */
export async function clusterOfAgentKey(
  db: Queryable,
  secret: string,
  claimedClusterId: string | null,
): Promise<string> {
  const key = await checkAgentKey(db, secret, claimedClusterId);
  await db.query("UPDATE agent_keys SET last_used_at = now() WHERE id = $1", [key.id]);
  return key.clusterId;
}

/**
 * Checks the key every `intervalMs` while the agent runs and calls `onInvalid` once when it no
 * longer proves `clusterId` (revoked in the console, or its cluster deleted). A failed check
 * (Postgres unreachable) is logged and retried: it proves nothing either way. Returns a stop
 * function.
 */
export function watchAgentKey(options: {
  db: Queryable;
  secret: string;
  clusterId: string;
  intervalMs?: number;
  logger: Pick<Logger, "warn">;
  onInvalid: (error: AgentKeyError) => void;
}): () => void {
  let checking = false;
  const timer = setInterval(() => {
    if (checking) return;
    checking = true;
    checkAgentKey(options.db, options.secret, options.clusterId)
      .then(
        () => undefined,
        (err: unknown) => {
          if (!(err instanceof AgentKeyError))
            return options.logger.warn({ err }, "agent key check failed");
          clearInterval(timer);
          options.onInvalid(err);
        },
      )
      .finally(() => (checking = false));
  }, options.intervalMs ?? AGENT_KEY_CHECK_INTERVAL_MS);
  timer.unref();
  return () => clearInterval(timer);
}

async function checkAgentKey(
  db: Queryable,
  secret: string,
  claimedClusterId: string | null,
): Promise<{ id: string; clusterId: string }> {
  const { rows } = await db.query<{
    id: string;
    cluster_id: string;
    revoked: boolean;
    cluster_deleted: boolean;
  }>(
    `SELECT k.id, k.cluster_id, k.revoked_at IS NOT NULL AS revoked, c.deleted_at IS NOT NULL AS cluster_deleted
     FROM agent_keys k JOIN virtual_clusters c ON c.id = k.cluster_id WHERE k.key_hash = $1`,
    [hashAgentKey(secret)],
  );
  const key = rows[0];
  if (!key)
    throw new AgentKeyError(
      "the agent key is not known (copy it again from the console: Credentials, agent keys)",
    );
  if (key.revoked) throw new AgentKeyError("the agent key was revoked");
  if (key.cluster_deleted)
    throw new AgentKeyError(`the agent key's cluster ${key.cluster_id} was deleted`);
  if (claimedClusterId !== null && claimedClusterId !== key.cluster_id) {
    throw new AgentKeyError(
      `--cluster-id ${claimedClusterId} is not the agent key's cluster (${key.cluster_id})`,
    );
  }
  return { id: key.id, clusterId: key.cluster_id };
}
