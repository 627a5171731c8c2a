-- State of the control plane's metering jobs: storage samples (time-weighted into
-- storage_byte_hours per hour) and the minutes each cluster had a live agent (billed as
-- cluster_minutes per 15-minute block). Both are pruned once their hours are reported.
CREATE TABLE "usage_storage_samples" (
  "cluster_id" TEXT NOT NULL,
  "sampled_at" TIMESTAMPTZ(3) NOT NULL,
  "bytes" BIGINT NOT NULL,
  CONSTRAINT "usage_storage_samples_pkey" PRIMARY KEY ("cluster_id", "sampled_at")
);
CREATE INDEX "usage_storage_samples_sampled_at_idx" ON "usage_storage_samples" ("sampled_at");

CREATE TABLE "usage_cluster_minutes" (
  "cluster_id" TEXT NOT NULL,
  "minute_start" TIMESTAMPTZ(3) NOT NULL,
  CONSTRAINT "usage_cluster_minutes_pkey" PRIMARY KEY ("cluster_id", "minute_start")
);
CREATE INDEX "usage_cluster_minutes_minute_start_idx" ON "usage_cluster_minutes" ("minute_start");
