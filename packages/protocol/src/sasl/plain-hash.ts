import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from "node:crypto";

/**
 * Hash of a SASL/PLAIN password, as stored in kafka_credentials.plain_hash:
 *
 *   scrypt$N=<cost>,r=<blockSize>,p=<parallelization>$<salt base64>$<key base64>
 *
 * The console writes it when a credential is created; the agent verifies PLAIN logins against it.
 * The parameters travel with the hash so they can be raised later without breaking old rows.
 */
const defaults = { N: 16384, r: 8, p: 1 } as const;
const keyLength = 32;

function derive(password: string, salt: Buffer, options: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scrypt(
      password.normalize("NFKC"),
      salt,
      keyLength,
      { ...options, maxmem: 64 * 1024 * 1024 },
      (err, key) => (err ? reject(err) : resolve(key)),
    ),
  );
}

export async function hashPlainPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await derive(password, salt, defaults);
  return `scrypt$N=${defaults.N},r=${defaults.r},p=${defaults.p}$${salt.toString("base64")}$${key.toString("base64")}`;
}

const format = /^scrypt\$N=(\d+),r=(\d+),p=(\d+)\$([A-Za-z0-9+/=]+)\$([A-Za-z0-9+/=]+)$/;

/** True when `password` matches `hash`; false for a wrong password or a malformed hash. */
export async function verifyPlainPassword(password: string, hash: string): Promise<boolean> {
  const match = format.exec(hash);
  if (!match) return false;
  const [, n, r, p, salt, key] = match;
  const expected = Buffer.from(key!, "base64");
  if (expected.length === 0) return false;
  const actual = await derive(password, Buffer.from(salt!, "base64"), {
    N: Number(n),
    r: Number(r),
    p: Number(p),
  }).catch(() => null);
  return actual !== null && actual.length === expected.length && timingSafeEqual(actual, expected);
}
