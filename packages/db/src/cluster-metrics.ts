/**
 * What agents report about each cluster they serve, once a window, for the console's charts: the
 * contract between the agent's reporter and the control plane's endpoint and queries. Unlike
 * usage, these are operational figures: best effort, never billed.
 */

/** Path of the control plane's endpoint for cluster metrics, relative to its base URL. */
export const CLUSTER_METRICS_PATH = "/api/v1/agent-metrics";

/**
 * Upper bounds (ms) of the latency buckets; the last bucket is everything above. Agents count
 * into these and the control plane adds buckets up across agents before taking percentiles.
 */
export const LATENCY_BUCKETS_MS = [
  1, 2, 5, 10, 15, 20, 25, 30, 40, 50, 75, 100, 150, 200, 300, 500, 750, 1000, 2000, 5000, 10000,
] as const;

/** One cluster's figures over one window of one agent. */
export interface ClusterMetricsWindow {
  clusterId: string;
  produceBytes: number;
  fetchBytes: number;
  /** Time connections were muted for exceeding a client quota or a cluster ceiling. */
  throttleMs: number;
  /** Requests answered, by API name (Produce, Fetch, Metadata…). */
  requests: Record<string, number>;
  /** Requests and partitions answered with an error, by Kafka error code. */
  errors: Record<string, number>;
  /** Counts per LATENCY_BUCKETS_MS bucket (one longer than the bounds: the overflow). */
  produceLatency: number[];
  fetchLatency: number[];
  /** Open client connections of the cluster when the window closed. */
  connections: number;
}

/** The agent's own object-store and cache figures over the window (they serve every cluster it serves). */
export interface AgentStoreWindow {
  objectPuts: number;
  objectGets: number;
  cacheHits: number;
  cacheMisses: number;
}

export interface ClusterMetricsReport {
  agentId: string;
  windowStart: string;
  windowSeconds: number;
  store: AgentStoreWindow;
  clusters: ClusterMetricsWindow[];
}

/** The bucket a latency falls in. */
export function latencyBucket(ms: number): number {
  const i = LATENCY_BUCKETS_MS.findIndex((bound) => ms <= bound);
  return i === -1 ? LATENCY_BUCKETS_MS.length : i;
}

/**
 * The q-quantile (0 < q < 1) of bucketed latencies in ms, interpolated linearly inside its bucket
 * (as Prometheus' histogram_quantile does); null without observations. The overflow bucket
 * answers with the largest bound.
 */
export function latencyQuantile(buckets: readonly number[], q: number): number | null {
  const total = buckets.reduce((sum, n) => sum + n, 0);
  if (total === 0) return null;
  const rank = q * total;
  let seen = 0;
  for (let i = 0; i < buckets.length; i++) {
    const count = buckets[i]!;
    if (seen + count >= rank && count > 0) {
      if (i >= LATENCY_BUCKETS_MS.length) return LATENCY_BUCKETS_MS[LATENCY_BUCKETS_MS.length - 1]!;
      const lower = i === 0 ? 0 : LATENCY_BUCKETS_MS[i - 1]!;
      const upper = LATENCY_BUCKETS_MS[i]!;
      return lower + ((upper - lower) * (rank - seen)) / count;
    }
    seen += count;
  }
  return LATENCY_BUCKETS_MS[LATENCY_BUCKETS_MS.length - 1]!;
}
