import { createHash, createHmac, pbkdf2, timingSafeEqual } from "node:crypto";
import { promisify } from "node:util";
import type { ScramVerifiers } from "./scram-verifiers.ts";

const pbkdf2Async = promisify(pbkdf2);

export type ScramMechanism = "SCRAM-SHA-256" | "SCRAM-SHA-512";

/** Hash names by mechanism; "sha1" is only there for RFC 5802's own test vector. */
export type ScramHash = "sha1" | "sha256" | "sha512";

export const SCRAM_HASHES: Record<ScramMechanism, { hash: ScramHash; keyLength: number }> = {
  "SCRAM-SHA-256": { hash: "sha256", keyLength: 32 },
  "SCRAM-SHA-512": { hash: "sha512", keyLength: 64 },
};

const KEY_LENGTHS: Record<ScramHash, number> = { sha1: 20, sha256: 32, sha512: 64 };

export function hmac(hash: ScramHash, key: Buffer, data: string | Buffer): Buffer {
  return createHmac(hash, key).update(data).digest();
}

export function digest(hash: ScramHash, data: Buffer): Buffer {
  return createHash(hash).update(data).digest();
}

export function xor(left: Buffer, right: Buffer): Buffer {
  const out = Buffer.allocUnsafe(left.length);
  for (let i = 0; i < left.length; i++) out[i] = left[i]! ^ right[i]!;
  return out;
}

/** Hi() of RFC 5802: PBKDF2-HMAC. No SASLprep: Kafka and its clients hash the UTF-8 password as is. */
export function saltedPassword(
  hash: ScramHash,
  password: string,
  salt: Buffer,
  iterations: number,
): Promise<Buffer> {
  return pbkdf2Async(password, salt, iterations, KEY_LENGTHS[hash], hash);
}

export function verifiersFromSaltedPassword(
  hash: ScramHash,
  salted: Buffer,
  salt: Buffer,
  iterations: number,
): ScramVerifiers {
  const clientKey = hmac(hash, salted, "Client Key");
  return {
    salt,
    iterations,
    storedKey: digest(hash, clientKey),
    serverKey: hmac(hash, salted, "Server Key"),
  };
}

/**
 * Checks a client proof against StoredKey (ClientKey = proof XOR HMAC(StoredKey, AuthMessage);
 * H(ClientKey) must equal StoredKey). Returns the ServerSignature to send back, or null.
 */
export function verifyClientProof(
  hash: ScramHash,
  verifiers: Pick<ScramVerifiers, "storedKey" | "serverKey">,
  authMessage: string,
  proof: Buffer,
): Buffer | null {
  const clientSignature = hmac(hash, verifiers.storedKey, authMessage);
  if (proof.length !== clientSignature.length) return null;
  const storedKey = digest(hash, xor(proof, clientSignature));
  if (
    storedKey.length !== verifiers.storedKey.length ||
    !timingSafeEqual(storedKey, verifiers.storedKey)
  )
    return null;
  return hmac(hash, verifiers.serverKey, authMessage);
}
