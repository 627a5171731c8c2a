-- Per-cluster operational figures agents send each window, for the console's metrics charts.
CREATE TABLE "cluster_metric_windows" (
  "cluster_id" TEXT NOT NULL,
  "agent_id" TEXT NOT NULL,
  "window_start" TIMESTAMPTZ(3) NOT NULL,
  "window_seconds" INTEGER NOT NULL,
  "produce_bytes" BIGINT NOT NULL,
  "fetch_bytes" BIGINT NOT NULL,
  "requests" JSONB NOT NULL,
  "errors" JSONB NOT NULL,
  "produce_latency" INTEGER[],
  "fetch_latency" INTEGER[],
  "connections" INTEGER NOT NULL,
  "object_puts" INTEGER NOT NULL,
  "object_gets" INTEGER NOT NULL,
  "cache_hits" INTEGER NOT NULL,
  "cache_misses" INTEGER NOT NULL,
  CONSTRAINT "cluster_metric_windows_pkey" PRIMARY KEY ("cluster_id", "window_start", "agent_id")
);
CREATE INDEX "cluster_metric_windows_window_start_idx" ON "cluster_metric_windows" ("window_start");
