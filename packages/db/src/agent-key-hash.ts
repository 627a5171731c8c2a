import { createHash } from "node:crypto";

/** How agent_keys.key_hash is derived from a key's secret: the console stores it, agents check it. */
export function hashAgentKey(secret: string): string {
  return createHash("sha256").update(secret).digest("hex");
}
