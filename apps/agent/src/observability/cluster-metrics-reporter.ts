import type { Logger } from "pino";
import {
  CLUSTER_METRICS_PATH,
  type AgentStoreWindow,
  type ClusterMetricsReport,
} from "@streambed/db/cluster-metrics";
import type { AgentMetrics } from "../http/metrics.ts";

export interface ClusterMetricsReporterOptions {
  metrics: AgentMetrics;
  agentId: string;
  controlPlaneUrl: string;
  windowMs: number;
  token: () => Promise<string>;
  logger: Logger;
}

const SEND_TIMEOUT_MS = 5000;

/**
 * Sends each window's per-cluster figures to the control plane for the console's charts. Best
 * effort, unlike usage: a window that cannot be sent is dropped (logged), never spooled or
 * retried, so a control plane outage costs chart points and nothing on the data path.
 */
export class ClusterMetricsReporter {
  private timer: NodeJS.Timeout | undefined;
  private lastStore: AgentStoreWindow | undefined;
  private sending: Promise<void> = Promise.resolve();

  constructor(private readonly options: ClusterMetricsReporterOptions) {}

  /** Starts closing windows on boundaries aligned to the clock, as usage windows are. */
  start(): void {
    const { windowMs } = this.options;
    void this.storeTotals().then((totals) => (this.lastStore ??= totals));
    // Boundaries advance from the last one, never from the clock: a timer that fires a little
    // early must not close the same window twice.
    const schedule = (boundary: number) => {
      this.timer = setTimeout(
        () => {
          this.sending = this.sending.then(() => this.close(boundary - windowMs));
          schedule(boundary + windowMs);
        },
        Math.max(0, boundary - Date.now()),
      );
      this.timer.unref();
    };
    schedule(Math.ceil((Date.now() + 1) / windowMs) * windowMs);
  }

  async stop(): Promise<void> {
    clearTimeout(this.timer);
    await this.sending;
  }

  private async close(windowStart: number): Promise<void> {
    const { metrics, logger } = this.options;
    const clusters = metrics.clusterStats.take(metrics.countConnections());
    const totals = await this.storeTotals();
    const last = this.lastStore ?? totals;
    this.lastStore = totals;
    if (clusters.length === 0) return;
    const report: ClusterMetricsReport = {
      agentId: this.options.agentId,
      windowStart: new Date(windowStart).toISOString(),
      windowSeconds: this.options.windowMs / 1000,
      store: {
        objectPuts: totals.objectPuts - last.objectPuts,
        objectGets: totals.objectGets - last.objectGets,
        cacheHits: totals.cacheHits - last.cacheHits,
        cacheMisses: totals.cacheMisses - last.cacheMisses,
      },
      clusters,
    };
    try {
      const response = await fetch(new URL(CLUSTER_METRICS_PATH, this.options.controlPlaneUrl), {
        method: "POST",
        headers: {
          "content-type": "application/json",
          authorization: `Bearer ${await this.options.token()}`,
        },
        body: JSON.stringify(report),
        signal: AbortSignal.timeout(SEND_TIMEOUT_MS),
      });
      if (!response.ok)
        logger.warn({ status: response.status }, "cluster metrics refused by the control plane");
    } catch (err) {
      logger.debug({ err }, "cluster metrics not sent");
    }
  }

  private async storeTotals(): Promise<AgentStoreWindow> {
    const { metrics } = this.options;
    const [objects, cache] = await Promise.all([
      metrics.objectRequests.get(),
      metrics.blockCache.get(),
    ]);
    const sum = (
      values: { labels: Record<string, unknown>; value: number }[],
      key: string,
      is: string,
    ) => values.filter((v) => v.labels[key] === is).reduce((total, v) => total + v.value, 0);
    return {
      objectPuts: sum(objects.values, "op", "put"),
      objectGets: sum(objects.values, "op", "get"),
      cacheHits: sum(cache.values, "result", "hit"),
      cacheMisses: sum(cache.values, "result", "miss"),
    };
  }
}
