import { fromStoredScramVerifiers } from "@streambed/protocol";
import type { ScramVerifiers } from "@streambed/protocol";
import type { ControlPlaneStore } from "../metadata/control-plane-store.ts";

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
 * Kafka credentials by username, with a short cache so a burst of
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
    private readonly store: Pick<
      ControlPlaneStore,
      "findKafkaCredential" | "markKafkaCredentialUsed"
    >,
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

  /** Drops a username's cached lookup (its credential just changed through this agent). */
  forget(username: string): void {
    this.cache.delete(username);
  }

  /** Records a successful authentication; the row is written at most once a minute per credential. */
  async markUsed(credentialId: string): Promise<void> {
    const last = this.lastUsedWrites.get(credentialId);
    if (last !== undefined && this.now() - last < this.lastUsedIntervalMs) return;
    this.lastUsedWrites.set(credentialId, this.now());
    await this.store.markKafkaCredentialUsed(credentialId, this.lastUsedIntervalMs);
  }

  private async read(username: string): Promise<KafkaCredential | null> {
    const stored = await this.store.findKafkaCredential(username);
    if (!stored) return null;
    return {
      ...stored,
      scramSha256: fromStoredScramVerifiers(stored.scramSha256, "SCRAM-SHA-256"),
      scramSha512: fromStoredScramVerifiers(stored.scramSha512, "SCRAM-SHA-512"),
    };
  }

  private evictExpired(): void {
    const now = this.now();
    for (const [key, entry] of this.cache) if (now - entry.at >= this.ttlMs) this.cache.delete(key);
  }
}
