import { randomBytes, randomUUID } from "node:crypto";
import type pg from "pg";
import { deriveScramVerifiers, toStoredScramVerifiers } from "@streambed/protocol";
import { hashPlainPassword } from "@streambed/protocol/sasl/plain-hash";

export interface TestCluster {
  clusterId: string;
  username: string;
  password: string;
  credentialId: string;
}

/**
 * A virtual cluster with one application credential, stored the way the console stores them
 * (SCRAM-SHA-256/512 verifiers and the scrypt PLAIN hash, no password).
 */
export async function createClusterWithCredential(
  pool: pg.Pool,
  options: { requireSasl?: boolean; autoCreateTopics?: boolean } = {},
): Promise<TestCluster> {
  const orgId = randomUUID();
  const clusterId = `vc_${randomBytes(6).toString("hex")}`;
  await pool.query(
    "INSERT INTO organizations (id, name, slug, created_at) VALUES ($1, $1, $1, now())",
    [orgId],
  );
  await pool.query(
    `INSERT INTO virtual_clusters (id, organization_id, name, region, require_sasl, auto_create_topics, updated_at)
     VALUES ($1, $2, $1, 'local', $3, $4, now())`,
    [clusterId, orgId, options.requireSasl ?? true, options.autoCreateTopics ?? true],
  );
  return { clusterId, ...(await addCredential(pool, clusterId)) };
}

export async function addCredential(
  pool: pg.Pool,
  clusterId: string,
): Promise<{ username: string; password: string; credentialId: string }> {
  const username = `u_${randomBytes(6).toString("hex")}`;
  const password = randomBytes(18).toString("base64url");
  const credentialId = randomUUID();
  const [sha256, sha512, plainHash] = await Promise.all([
    deriveScramVerifiers(password, "SCRAM-SHA-256"),
    deriveScramVerifiers(password, "SCRAM-SHA-512"),
    hashPlainPassword(password),
  ]);
  await pool.query(
    `INSERT INTO kafka_credentials (id, cluster_id, username, scram_sha256, scram_sha512, plain_hash)
     VALUES ($1, $2, $3, $4, $5, $6)`,
    [
      credentialId,
      clusterId,
      username,
      toStoredScramVerifiers(sha256),
      toStoredScramVerifiers(sha512),
      plainHash,
    ],
  );
  return { username, password, credentialId };
}
