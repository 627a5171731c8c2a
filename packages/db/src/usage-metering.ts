/**
 * Names agents and the control plane agree on for usage metering (the API's contract names).
 * Quantities are integers of any size: bigint in the database, decimal strings in JSON.
 */
export const usageDimensions = [
  "write_bytes",
  "read_bytes",
  "storage_byte_hours",
  "cluster_minutes",
  "requests",
] as const;
export type UsageDimension = (typeof usageDimensions)[number];

/** The deployment secret shared agents (which hold no agent key) present to the ingest endpoint. */
export const USAGE_INGEST_SECRET = "usage-ingest";

/** Path of the control plane's ingest endpoint, relative to its base URL. */
export const USAGE_INGEST_PATH = "/api/v1/usage/events";

/**
 * The deterministic key of one measured window: a resend of the same window has the same key, so
 * it is stored once. `source` is the agent id (or "control-plane" for the control plane's jobs).
 */
export function usageIdempotencyKey(
  clusterId: string,
  source: string,
  dimension: UsageDimension,
  windowStart: Date,
): string {
  return `${clusterId}:${source}:${dimension}:${windowStart.toISOString()}`;
}
