import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from "prom-client";
import type { ReconciliationMetrics } from "../usage/reconciliation.ts";

/** The worker's Prometheus series, served on its own /metrics port. */
export class WorkerMetrics {
  readonly registry = new Registry();

  readonly jobRuns = new Counter({
    name: "streambed_job_runs_total",
    help: "Job runs of the control plane's worker, by job and result (ok, failed)",
    labelNames: ["job", "result"] as const,
    registers: [this.registry],
  });
  readonly jobDuration = new Histogram({
    name: "streambed_job_duration_seconds",
    help: "Duration of job runs, by job",
    labelNames: ["job"] as const,
    buckets: [0.01, 0.05, 0.1, 0.5, 1, 5, 30, 120],
    registers: [this.registry],
  });
  readonly writeBytesDrift = new Gauge({
    name: "streambed_usage_write_bytes_drift_ratio",
    help: "Share of the bytes the data plane committed that metered write_bytes lacked, last reconciled day, by cluster",
    labelNames: ["cluster_id"] as const,
    registers: [this.registry],
  });
  readonly writeBytesDriftFlagged = new Counter({
    name: "streambed_usage_write_bytes_drift_flagged_total",
    help: "Cluster-days whose write_bytes drift exceeded 1%",
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry });
  }

  get reconciliation(): ReconciliationMetrics {
    return { drift: this.writeBytesDrift, flagged: this.writeBytesDriftFlagged };
  }
}
