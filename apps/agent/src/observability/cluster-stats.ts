import {
  LATENCY_BUCKETS_MS,
  latencyBucket,
  type ClusterMetricsWindow,
} from "@streambed/db/cluster-metrics";

interface Accumulator {
  produceBytes: number;
  fetchBytes: number;
  throttleMs: number;
  requests: Map<string, number>;
  errors: Map<string, number>;
  produceLatency: number[];
  fetchLatency: number[];
}

function emptyAccumulator(): Accumulator {
  return {
    produceBytes: 0,
    fetchBytes: 0,
    throttleMs: 0,
    requests: new Map(),
    errors: new Map(),
    produceLatency: new Array<number>(LATENCY_BUCKETS_MS.length + 1).fill(0),
    fetchLatency: new Array<number>(LATENCY_BUCKETS_MS.length + 1).fill(0),
  };
}

function bump(map: Map<string, number>, key: string, by = 1): void {
  map.set(key, (map.get(key) ?? 0) + by);
}

/**
 * Per-cluster figures of the current window, for the console's charts: counted in memory on the
 * request path (a map lookup and a few additions), taken and reset when the window closes.
 */
export class ClusterStats {
  private current = new Map<string, Accumulator>();

  private of(clusterId: string): Accumulator {
    let acc = this.current.get(clusterId);
    if (!acc) this.current.set(clusterId, (acc = emptyAccumulator()));
    return acc;
  }

  request(clusterId: string, api: string, errorCode: number, ms: number): void {
    const acc = this.of(clusterId);
    bump(acc.requests, api);
    if (errorCode !== 0) bump(acc.errors, String(errorCode));
    if (api === "Produce") acc.produceLatency[latencyBucket(ms)]!++;
    else if (api === "Fetch") acc.fetchLatency[latencyBucket(ms)]!++;
  }

  /** A partition answered with an error inside an otherwise successful request. */
  partitionError(clusterId: string, errorCode: number): void {
    bump(this.of(clusterId).errors, String(errorCode));
  }

  bytes(clusterId: string, direction: "produce" | "fetch", bytes: number): void {
    const acc = this.of(clusterId);
    if (direction === "produce") acc.produceBytes += bytes;
    else acc.fetchBytes += bytes;
  }

  /** Time a connection of the cluster was muted for exceeding a quota. */
  throttled(clusterId: string, ms: number): void {
    this.of(clusterId).throttleMs += ms;
  }

  /**
   * The window's figures per cluster, and a fresh window. `connections` counts open connections
   * by cluster now; clusters with connections but no requests are reported too.
   */
  take(connections: ReadonlyMap<string, number>): ClusterMetricsWindow[] {
    const taken = this.current;
    this.current = new Map();
    for (const clusterId of connections.keys())
      if (!taken.has(clusterId)) taken.set(clusterId, emptyAccumulator());
    return [...taken].map(([clusterId, acc]) => ({
      clusterId,
      produceBytes: acc.produceBytes,
      fetchBytes: acc.fetchBytes,
      throttleMs: acc.throttleMs,
      requests: Object.fromEntries(acc.requests),
      errors: Object.fromEntries(acc.errors),
      produceLatency: acc.produceLatency,
      fetchLatency: acc.fetchLatency,
      connections: connections.get(clusterId) ?? 0,
    }));
  }
}
