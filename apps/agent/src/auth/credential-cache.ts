import type pg from "pg";
import { fromStoredScramVerifiers } from "@streambed/protocol";
import type { ScramVerifiers } from "@streambed/protocol";

/** An application credential created in the console: what authentication checks against. */
export interface KafkaCredential {
  id: string;
  clusterId: string;
  username: string;
  plainHash: string;
  /** Null when the stored verifiers are unreadable: SCRAM logins then fail. */
  scramSha256: ScramVerifiers | null;
  scramSha512: ScramVerifiers | null;
}

export interface CredentialCacheOptions {
  /** How long a lookup (found or not) is reused; revocation takes effect within this. Default 5 s. */
  ttlMs?: number;
  /** lastUsedAt is written at most once per this interval per credential. Default 60 s. */
  lastUsedIntervalMs?: number;
  now?: () => number;
}

/**
 * Kafka credentials by username from kafka_credentials, with a short cache so a burst of
 * connections costs one query, and a revoked credential stops working within `ttlMs`.
 * Credentials of deleted clusters are treated as absent.
 */
export class CredentialCache {
  private readonly ttlMs: number;
  private readonly lastUsedIntervalMs: number;
  private readonly now: () => number;
  private readonly cache = new Map<
    string,
    { at: number; credential: Promise<KafkaCredential | null> }
  >();
  private readonly lastUsedWrites = new Map<string, number>();

  constructor(
    private readonly pool: Pick<pg.Pool, "query">,
    options: CredentialCacheOptions = {},
  ) {
    this.ttlMs = options.ttlMs ?? 5000;
    this.lastUsedIntervalMs = options.lastUsedIntervalMs ?? 60_000;
    this.now = options.now ?? Date.now;
  }

  find(username: string): Promise<KafkaCredential | null> {
    const cached = this.cache.get(username);
    if (cached && this.now() - cached.at < this.ttlMs) return cached.credential;
    const credential = this.read(username);
    this.cache.set(username, { at: this.now(), credential });
    credential.catch(() => this.cache.delete(username));
    if (this.cache.size > 10_000) this.evictExpired();
    return credential;
  }

  /** Records a successful authentication; the row is written at most once a minute per credential. */
  async markUsed(credentialId: string): Promise<void> {
    const last = this.lastUsedWrites.get(credentialId);
    if (last !== undefined && this.now() - last < this.lastUsedIntervalMs) return;
    this.lastUsedWrites.set(credentialId, this.now());
    // The condition keeps several agents from each writing within the same minute.
    await this.pool.query(
      `UPDATE kafka_credentials SET last_used_at = now()
        WHERE id = $1 AND (last_used_at IS NULL OR last_used_at < now() - make_interval(secs => $2::int / 1000.0))`,
      [credentialId, this.lastUsedIntervalMs],
    );
  }

  private async read(username: string): Promise<KafkaCredential | null> {
    const { rows } = await this.pool.query<{
      id: string;
      cluster_id: string;
      username: string;
      plain_hash: string;
      scram_sha256: unknown;
      scram_sha512: unknown;
    }>(
      `SELECT c.id, c.cluster_id, c.username, c.plain_hash, c.scram_sha256, c.scram_sha512
         FROM kafka_credentials c JOIN virtual_clusters v ON v.id = c.cluster_id
        WHERE c.username = $1 AND c.revoked_at IS NULL AND v.deleted_at IS NULL`,
      [username],
    );
    const row = rows[0];
    if (!row) return null;
    return {
      id: row.id,
      clusterId: row.cluster_id,
      username: row.username,
      plainHash: row.plain_hash,
      scramSha256: fromStoredScramVerifiers(row.scram_sha256, "SCRAM-SHA-256"),
      scramSha512: fromStoredScramVerifiers(row.scram_sha512, "SCRAM-SHA-512"),
    };
  }

  private evictExpired(): void {
    const now = this.now();
    for (const [key, entry] of this.cache) if (now - entry.at >= this.ttlMs) this.cache.delete(key);
  }
}
