import { randomBytes } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

export interface PlatformSecrets {
  authSecret: string;
  demoEmail: string;
  demoPassword: string;
  saslUsername: string;
  saslPassword: string;
}

/**
 * Generated on the first start and kept in the data dir, so a second `npm start` prints the
 * same credentials and the demo SASL password still matches the stored SCRAM verifiers.
 */
export function loadOrCreateSecrets(dataDir: string): PlatformSecrets {
  const file = join(dataDir, "secrets.json");
  if (existsSync(file)) return JSON.parse(readFileSync(file, "utf8")) as PlatformSecrets;
  const token = (bytes: number) => randomBytes(bytes).toString("base64url");
  const secrets: PlatformSecrets = {
    authSecret: token(32),
    demoEmail: "demo@streambed.local",
    demoPassword: token(12),
    saslUsername: `demo-${randomBytes(4).toString("hex")}`,
    saslPassword: token(24),
  };
  writeFileSync(file, JSON.stringify(secrets, null, 2), { mode: 0o600 });
  return secrets;
}
