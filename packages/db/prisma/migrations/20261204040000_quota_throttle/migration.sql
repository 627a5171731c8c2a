-- Time the agents muted a cluster's connections for exceeding quotas, per metrics window.
ALTER TABLE "cluster_metric_windows" ADD COLUMN "throttle_ms" BIGINT NOT NULL DEFAULT 0;
