import { randomBytes } from "node:crypto";
import {
  SCRAM_HASHES,
  saltedPassword,
  verifiersFromSaltedPassword,
  type ScramMechanism,
} from "./scram-crypto.ts";

/** What the server stores per user and mechanism (RFC 5802 section 3): no password, nothing replayable. */
export interface ScramVerifiers {
  salt: Buffer;
  iterations: number;
  storedKey: Buffer;
  serverKey: Buffer;
}

/** The JSON shape kept in kafka_credentials.scram_sha256 / scram_sha512 (byte fields in base64). */
export interface StoredScramVerifiers {
  salt: string;
  iterations: number;
  storedKey: string;
  serverKey: string;
}

/** Kafka's bounds on the SCRAM iteration count. */
export const MIN_SCRAM_ITERATIONS = 4096;
export const MAX_SCRAM_ITERATIONS = 16384;

/**
 * Derives the stored SCRAM verifiers for a password, so credentials are kept without it.
 * `salt` defaults to 32 random bytes.
 */
export async function deriveScramVerifiers(
  password: string,
  mechanism: ScramMechanism,
  iterations = MIN_SCRAM_ITERATIONS,
  salt: Buffer = randomBytes(32),
): Promise<ScramVerifiers> {
  if (
    !Number.isInteger(iterations) ||
    iterations < MIN_SCRAM_ITERATIONS ||
    iterations > MAX_SCRAM_ITERATIONS
  ) {
    throw new RangeError(
      `SCRAM iterations must be between ${MIN_SCRAM_ITERATIONS} and ${MAX_SCRAM_ITERATIONS}`,
    );
  }
  const { hash } = SCRAM_HASHES[mechanism];
  return verifiersFromSaltedPassword(
    hash,
    await saltedPassword(hash, password, salt, iterations),
    salt,
    iterations,
  );
}

/**
 * The verifiers of a password the client salted itself (Kafka's AlterUserScramCredentials sends
 * the salt and SaltedPassword, never the password); null when the salt is empty or the salted
 * password is not the mechanism's key length.
 */
export function scramVerifiersFromSaltedPassword(
  mechanism: ScramMechanism,
  salted: Buffer,
  salt: Buffer,
  iterations: number,
): ScramVerifiers | null {
  const { hash, keyLength } = SCRAM_HASHES[mechanism];
  if (salt.length === 0 || salted.length !== keyLength) return null;
  return verifiersFromSaltedPassword(hash, salted, salt, iterations);
}

export function toStoredScramVerifiers(verifiers: ScramVerifiers): StoredScramVerifiers {
  return {
    salt: verifiers.salt.toString("base64"),
    iterations: verifiers.iterations,
    storedKey: verifiers.storedKey.toString("base64"),
    serverKey: verifiers.serverKey.toString("base64"),
  };
}

/** Reads verifiers back from their stored JSON; null when the value does not have the right shape. */
export function fromStoredScramVerifiers(
  stored: unknown,
  mechanism: ScramMechanism,
): ScramVerifiers | null {
  if (typeof stored !== "object" || stored === null) return null;
  const { salt, iterations, storedKey, serverKey } = stored as Record<string, unknown>;
  if (typeof salt !== "string" || typeof storedKey !== "string" || typeof serverKey !== "string")
    return null;
  if (
    typeof iterations !== "number" ||
    !Number.isInteger(iterations) ||
    iterations < MIN_SCRAM_ITERATIONS
  )
    return null;
  const { keyLength } = SCRAM_HASHES[mechanism];
  const verifiers = {
    salt: Buffer.from(salt, "base64"),
    iterations,
    storedKey: Buffer.from(storedKey, "base64"),
    serverKey: Buffer.from(serverKey, "base64"),
  };
  if (
    verifiers.salt.length === 0 ||
    verifiers.storedKey.length !== keyLength ||
    verifiers.serverKey.length !== keyLength
  ) {
    return null;
  }
  return verifiers;
}
