import { randomBytes } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

export interface PlatformSecrets {
  authSecret: string;
  demoEmail: string;
  demoPassword: string;
  saslUsername: string;
  saslPassword: string;
  /** REST API key of the demo organization (the console's `sbk_` format). */
  apiKey: string;
}

/**
 * Generated on the first start and kept in the data dir, so a second `npm start` prints the
 * same credentials and the demo SASL password still matches the stored SCRAM verifiers.
 */
export function loadOrCreateSecrets(dataDir: string): PlatformSecrets {
  const file = join(dataDir, "secrets.json");
  const stored = existsSync(file)
    ? (JSON.parse(readFileSync(file, "utf8")) as Partial<PlatformSecrets>)
    : {};
  const token = (bytes: number) => randomBytes(bytes).toString("base64url");
  // Values a data dir from an older version lacks are added; existing ones never change.
  const secrets: PlatformSecrets = {
    authSecret: token(32),
    demoEmail: "demo@streambed.local",
    demoPassword: token(12),
    saslUsername: `demo-${randomBytes(4).toString("hex")}`,
    saslPassword: token(24),
    apiKey: `sbk_${token(30)}`,
    ...stored,
  };
  if (Object.keys(stored).length !== Object.keys(secrets).length)
    writeFileSync(file, JSON.stringify(secrets, null, 2), { mode: 0o600 });
  return secrets;
}
