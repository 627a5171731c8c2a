import { randomBytes } from "node:crypto";
import { hashAgentKey } from "@streambed/db";

/** A new agent key: the secret is shown once; the database keeps its prefix (to recognise it) and sha256. */
export function generateAgentKey() {
  const secret = `sbak_${randomBytes(30).toString("base64url")}`;
  return { secret, keyPrefix: secret.slice(0, 12), keyHash: hashAgentKey(secret) };
}
