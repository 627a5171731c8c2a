import type { UsageDimension } from "@streambed/db";

/** Dimensions an agent measures itself (storage and cluster-minutes are the control plane's). */
export type AgentDimension = Extract<UsageDimension, "write_bytes" | "read_bytes" | "requests">;
export const agentDimensions: readonly AgentDimension[] = ["write_bytes", "read_bytes", "requests"];

/** One cluster's counts since the last window closed. Plain numbers: exact up to 2^53 per window. */
interface ClusterCounts {
  write_bytes: number;
  read_bytes: number;
  requests: number;
}

export interface WindowCount {
  clusterId: string;
  dimension: AgentDimension;
  quantity: number;
}

/**
 * Hot-path usage counters, per cluster and dimension. Invariants: recording is a map lookup and an
 * addition (no allocation once a cluster has been seen, no I/O); `takeCounts` hands the counts
 * over and starts from zero, so every unit counted lands in exactly one window.
 */
export class UsageRecorder {
  private readonly counts = new Map<string, ClusterCounts>();

  constructor(readonly enabled: boolean) {}

  /** Counts `quantity` for the cluster (none for connections not yet bound to one). */
  add(clusterId: string, dimension: AgentDimension, quantity: number): void {
    if (!this.enabled || clusterId === "") return;
    let counts = this.counts.get(clusterId);
    if (counts === undefined) {
      counts = { write_bytes: 0, read_bytes: 0, requests: 0 };
      this.counts.set(clusterId, counts);
    }
    counts[dimension] += quantity;
  }

  /** The non-zero counts since the previous call; the counters restart from zero. */
  takeCounts(): WindowCount[] {
    const taken: WindowCount[] = [];
    for (const [clusterId, counts] of this.counts) {
      for (const dimension of agentDimensions)
        if (counts[dimension] > 0)
          taken.push({ clusterId, dimension, quantity: counts[dimension] });
    }
    // Clusters come and go: forget them rather than keep zeros forever.
    this.counts.clear();
    return taken;
  }
}
