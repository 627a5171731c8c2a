import { hashAgentKey } from "@streambed/db";
import type { Logger } from "pino";
import type { ControlPlaneStore } from "../metadata/control-plane-store.ts";

type AgentKeys = Pick<ControlPlaneStore, "findAgentKey" | "markAgentKeyUsed">;

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
  keys: AgentKeys,
  secret: string,
  claimedClusterId: string | null,
): Promise<string> {
  const key = await checkAgentKey(keys, secret, claimedClusterId);
  await keys.markAgentKeyUsed(key.id);
  return key.clusterId;
}

/**
 * Checks the key every `intervalMs` while the agent runs and calls `onInvalid` once when it no
 * longer proves `clusterId` (revoked in the console, or its cluster deleted). A failed check
 * (Postgres unreachable) is logged and retried: it proves nothing either way. Returns a stop
 * function.
 */
export function watchAgentKey(options: {
  keys: AgentKeys;
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
    checkAgentKey(options.keys, options.secret, options.clusterId)
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
  keys: AgentKeys,
  secret: string,
  claimedClusterId: string | null,
): Promise<{ id: string; clusterId: string }> {
  const key = await keys.findAgentKey(hashAgentKey(secret));
  if (!key)
    throw new AgentKeyError(
      "the agent key is not known (copy it again from the console: Credentials, agent keys)",
    );
  if (key.revoked) throw new AgentKeyError("the agent key was revoked");
  if (key.clusterDeleted)
    throw new AgentKeyError(`the agent key's cluster ${key.clusterId} was deleted`);
  if (claimedClusterId !== null && claimedClusterId !== key.clusterId) {
    throw new AgentKeyError(
      `--cluster-id ${claimedClusterId} is not the agent key's cluster (${key.clusterId})`,
    );
  }
  return { id: key.id, clusterId: key.clusterId };
}
