import { randomBytes } from "node:crypto";
import {
  deriveScramVerifiers,
  toStoredScramVerifiers,
} from "@streambed/protocol/sasl/scram-verifiers";
import { hashPlainPassword } from "@streambed/protocol/sasl/plain-hash";

/** SCRAM iteration count for new credentials (Kafka's minimum is 4096). */
export const scramIterations = 8192;

export function generateSaslUsername(): string {
  return `sb-${randomBytes(6).toString("hex")}`;
}

export function generateSaslPassword(): string {
  return randomBytes(24).toString("base64url");
}

/** What kafka_credentials stores for a password: never the password itself. */
export async function credentialSecrets(password: string) {
  const [scramSha256, scramSha512, plainHash] = await Promise.all([
    deriveScramVerifiers(password, "SCRAM-SHA-256", scramIterations),
    deriveScramVerifiers(password, "SCRAM-SHA-512", scramIterations),
    hashPlainPassword(password),
  ]);
  return {
    scramSha256: { ...toStoredScramVerifiers(scramSha256) },
    scramSha512: { ...toStoredScramVerifiers(scramSha512) },
    plainHash,
  };
}
