import { createHash, randomBytes } from "node:crypto";

/** Every REST API key starts so; agent keys (`sbak_`) never do, so one cannot pass for the other. */
export const apiKeyPrefix = "sbk_";

export function hashApiKey(secret: string): string {
  return createHash("sha256").update(secret).digest("hex");
}

/** A new REST API key: the secret is shown once; the database keeps its prefix and sha256. */
export function generateApiKey() {
  const secret = `${apiKeyPrefix}${randomBytes(30).toString("base64url")}`;
  return { secret, keyPrefix: secret.slice(0, 12), keyHash: hashApiKey(secret) };
}
