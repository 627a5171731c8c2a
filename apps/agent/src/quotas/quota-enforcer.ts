import { ApiKey } from "@streambed/protocol";
import type { QuotaStore } from "../metadata/quota-store.ts";
import { QuotaPrecedence, type EnforcedQuotaKey } from "./quota-precedence.ts";
import { WindowedRate, type RateWindowConfig } from "./windowed-rate.ts";

/** A ceiling every cluster gets on this agent, whoever its clients are; null = none. */
export interface ClusterCeilings {
  produceByteRate: number | null;
  fetchByteRate: number | null;
}

export interface QuotaEnforcerOptions extends RateWindowConfig {
  store: Pick<QuotaStore, "list">;
  ceilings: ClusterCeilings;
  /** A cluster's quotas are re-read this long after they were last read (other agents' changes). */
  refreshMs: number;
  /** Throttle time decided, for metrics. */
  onThrottle?: (clusterId: string, quota: ThrottledBy, ms: number) => void;
  onRefreshError?: (err: unknown) => void;
  now?: () => number;
}

export type ThrottledBy =
  EnforcedQuotaKey | "cluster_produce_byte_rate" | "cluster_fetch_byte_rate";

/** What one answered request used. */
export interface QuotaUse {
  clusterId: string;
  /** The SASL user, or ANONYMOUS (Kafka's principal of unauthenticated connections). */
  user: string;
  clientId: string;
  apiKey: number;
  /** The request frame's size: what a Produce costs. */
  requestBytes: number;
  /** The response's size: what a Fetch costs (asked only for fetches under a quota). */
  responseBytes: () => number;
}

/** Requests exchanged before a client is known, which Kafka does not count either. */
const unmetered = new Set<number>([
  ApiKey.ApiVersions,
  ApiKey.SaslHandshake,
  ApiKey.SaslAuthenticate,
]);

interface ClusterQuotas {
  readAt: number;
  precedence: QuotaPrecedence;
  refreshing: boolean;
  /** Bumped by changed(): a read begun before a change must not count as fresh. */
  generation: number;
}

/**
 * Kafka-style client quotas, per agent as Kafka's are per broker: each answered request is
 * recorded in the windowed rate of the quota that applies to it, and a rate over its bound yields
 * a throttle time the connection is muted for (and that the response reports). Quota
 * configuration is cached per cluster and re-read in the background, so the request path never
 * waits on Postgres; on top, every cluster has this agent's ceilings so that one tenant's burst
 * cannot take a shared agent from the others.
 */
export class QuotaEnforcer {
  private readonly clusters = new Map<string, ClusterQuotas>();
  private readonly rates = new Map<string, { rate: WindowedRate; usedAt: number }>();
  private readonly now: () => number;
  private readonly hasCeilings: boolean;

  constructor(private readonly options: QuotaEnforcerOptions) {
    this.now = options.now ?? Date.now;
    this.hasCeilings =
      options.ceilings.produceByteRate !== null || options.ceilings.fetchByteRate !== null;
  }

  /** Records the request and returns how long its connection must be muted (0: not throttled). */
  record(use: QuotaUse): number {
    if (unmetered.has(use.apiKey)) return 0;
    const quotas = this.quotasOf(use.clusterId);
    if ((!quotas || quotas.empty) && !this.hasCeilings) return 0;
    const now = this.now();
    let throttleMs = 0;
    let by: ThrottledBy = "request_rate";
    const apply = (quota: ThrottledBy, sharedBy: string, value: number, bound: number) => {
      const ms = this.recordRate(
        `${use.clusterId}\u0000${quota}\u0000${sharedBy}`,
        value,
        bound,
        now,
      );
      if (ms > throttleMs) [throttleMs, by] = [ms, quota];
    };
    const client = (key: EnforcedQuotaKey, value: () => number) => {
      const applied = quotas?.applied(key, use.user, use.clientId);
      if (applied) apply(key, applied.sharedBy, value(), applied.bound);
    };
    client("request_rate", () => 1);
    const { produceByteRate, fetchByteRate } = this.options.ceilings;
    if (use.apiKey === ApiKey.Produce) {
      client("producer_byte_rate", () => use.requestBytes);
      if (produceByteRate !== null)
        apply("cluster_produce_byte_rate", "", use.requestBytes, produceByteRate);
    } else if (use.apiKey === ApiKey.Fetch) {
      const bytes = once(use.responseBytes);
      client("consumer_byte_rate", bytes);
      if (fetchByteRate !== null) apply("cluster_fetch_byte_rate", "", bytes(), fetchByteRate);
    }
    if (throttleMs > 0) this.options.onThrottle?.(use.clusterId, by, throttleMs);
    return throttleMs;
  }

  /** Re-reads a cluster's quotas at once (they were just altered through this agent). */
  changed(clusterId: string): void {
    const cached = this.clusters.get(clusterId);
    if (cached) {
      cached.readAt = -Infinity;
      cached.generation++;
      cached.refreshing = false;
    }
    this.quotasOf(clusterId);
  }

  private recordRate(key: string, value: number, bound: number, now: number): number {
    let entry = this.rates.get(key);
    if (!entry) {
      if (this.rates.size >= 100_000) this.forgetIdleRates(now);
      entry = { rate: new WindowedRate(this.options, now), usedAt: now };
      this.rates.set(key, entry);
    }
    entry.usedAt = now;
    entry.rate.record(value, now);
    return entry.rate.throttleMs(bound, now);
  }

  /** Rates untouched for a whole window set are back at zero: dropping them changes nothing. */
  private forgetIdleRates(now: number): void {
    const idleMs = this.options.samples * this.options.windowMs;
    for (const [key, entry] of this.rates) if (now - entry.usedAt >= idleMs) this.rates.delete(key);
  }

  /** The cached quotas (refreshed in the background when old); undefined until first read. */
  private quotasOf(clusterId: string): QuotaPrecedence | undefined {
    const cached = this.clusters.get(clusterId);
    if (cached && (cached.refreshing || this.now() - cached.readAt < this.options.refreshMs))
      return cached.precedence;
    const entry = cached ?? {
      readAt: -Infinity,
      precedence: new QuotaPrecedence([]),
      refreshing: false,
      generation: 0,
    };
    const generation = entry.generation;
    entry.refreshing = true;
    this.clusters.set(clusterId, entry);
    const settle = (precedence: QuotaPrecedence | null) => {
      if (entry.generation !== generation) return;
      if (precedence) entry.precedence = precedence;
      entry.readAt = this.now();
      entry.refreshing = false;
    };
    this.options.store.list(clusterId).then(
      (quotas) => settle(new QuotaPrecedence(quotas)),
      (err: unknown) => {
        settle(null);
        this.options.onRefreshError?.(err);
      },
    );
    return cached?.precedence;
  }
}

function once(f: () => number): () => number {
  let value: number | undefined;
  return () => (value ??= f());
}
