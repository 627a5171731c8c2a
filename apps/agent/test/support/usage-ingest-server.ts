import http from "node:http";
import type { AddressInfo } from "node:net";
import { CLUSTER_METRICS_PATH, type ClusterMetricsReport } from "@streambed/db/cluster-metrics";
import type { UsageEvent } from "../../src/usage/usage-event.ts";

/**
 * A stand-in for the control plane's POST /api/v1/usage/events with the same storage rule: one
 * event per idempotency key, a resend with the same payload is a no-op, another payload a 409.
 * The cluster metrics agents send beside usage (CLUSTER_METRICS_PATH) are kept as received.
 */
export interface UsageIngestServer {
  url: string;
  /** Stored events by idempotency key. */
  events: Map<string, UsageEvent>;
  /** When each stored event was first received (ms since the epoch), by idempotency key. */
  receivedAt: Map<string, number>;
  /** Events received again under a key already stored (with the same payload). */
  resent: number;
  /** Cluster metrics reports, in order of arrival. */
  clusterMetrics: ClusterMetricsReport[];
  /**
   * "up" stores and answers 200; "down" answers 503 without storing; "lose-answer" stores, then
   * answers 503 once (as if the response was lost) and goes back to "up".
   */
  mode: "up" | "down" | "lose-answer";
  /** Sum of stored quantities of a dimension (for one cluster, or all). */
  total(dimension: string, clusterId?: string): bigint;
  close(): Promise<void>;
}

export async function startUsageIngestServer(): Promise<UsageIngestServer> {
  const state = {
    events: new Map<string, UsageEvent>(),
    receivedAt: new Map<string, number>(),
    resent: 0,
    clusterMetrics: [] as ClusterMetricsReport[],
    mode: "up" as UsageIngestServer["mode"],
  };
  const server = http.createServer((req, res) => {
    let body = "";
    req.on("data", (d: Buffer) => (body += d.toString()));
    req.on("end", () => {
      const answer = (status: number, json: unknown) => {
        res.writeHead(status, { "content-type": "application/json" });
        res.end(JSON.stringify(json));
      };
      if (!req.headers.authorization?.startsWith("Bearer ")) return answer(401, {});
      if (state.mode === "down") return answer(503, {});
      if (req.url === CLUSTER_METRICS_PATH) {
        state.clusterMetrics.push(JSON.parse(body) as ClusterMetricsReport);
        return answer(200, {});
      }
      const { events } = JSON.parse(body) as { events: UsageEvent[] };
      const conflicting = events.filter((e) => {
        const stored = state.events.get(e.idempotencyKey);
        return stored !== undefined && JSON.stringify(stored) !== JSON.stringify(e);
      });
      if (conflicting.length > 0)
        return answer(409, { idempotencyKeys: conflicting.map((e) => e.idempotencyKey) });
      for (const e of events) {
        if (state.events.has(e.idempotencyKey)) state.resent++;
        else {
          state.events.set(e.idempotencyKey, e);
          state.receivedAt.set(e.idempotencyKey, Date.now());
        }
      }
      if (state.mode === "lose-answer") {
        state.mode = "up";
        return answer(503, {});
      }
      answer(200, { accepted: events.length });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    get events() {
      return state.events;
    },
    get receivedAt() {
      return state.receivedAt;
    },
    get resent() {
      return state.resent;
    },
    get clusterMetrics() {
      return state.clusterMetrics;
    },
    get mode() {
      return state.mode;
    },
    set mode(mode) {
      state.mode = mode;
    },
    total(dimension, clusterId) {
      let sum = 0n;
      for (const e of state.events.values())
        if (e.dimension === dimension && (clusterId === undefined || e.clusterId === clusterId))
          sum += BigInt(e.quantity);
      return sum;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
