-- Usage metering: raw events, stored once per idempotency key, and hourly rollups updated as
-- events are stored. Quantities only; prices live elsewhere so they can change.
CREATE TABLE "usage_events" (
  "idempotency_key" TEXT NOT NULL,
  "organization_id" TEXT NOT NULL,
  "cluster_id" TEXT NOT NULL,
  "source" TEXT NOT NULL,
  "dimension" TEXT NOT NULL,
  "window_start" TIMESTAMPTZ(3) NOT NULL,
  "window_seconds" INTEGER NOT NULL,
  "quantity" BIGINT NOT NULL,
  "received_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
  CONSTRAINT "usage_events_pkey" PRIMARY KEY ("idempotency_key")
);
CREATE INDEX "usage_events_cluster_id_window_start_idx" ON "usage_events" ("cluster_id", "window_start");
CREATE INDEX "usage_events_organization_id_window_start_idx" ON "usage_events" ("organization_id", "window_start");

CREATE TABLE "usage_hourly" (
  "cluster_id" TEXT NOT NULL,
  "dimension" TEXT NOT NULL,
  "hour_start" TIMESTAMPTZ(3) NOT NULL,
  "organization_id" TEXT NOT NULL,
  "quantity" BIGINT NOT NULL,
  "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
  CONSTRAINT "usage_hourly_pkey" PRIMARY KEY ("cluster_id", "dimension", "hour_start")
);
CREATE INDEX "usage_hourly_organization_id_hour_start_idx" ON "usage_hourly" ("organization_id", "hour_start");
