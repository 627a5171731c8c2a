import { usageIdempotencyKey, type UsageDimension } from "@streambed/db";

/** One closed window of one dimension, exactly as POSTed to the ingest endpoint and spooled. */
export interface UsageEvent {
  clusterId: string;
  dimension: UsageDimension;
  /** ISO 8601 UTC, aligned to the window length. */
  windowStart: string;
  windowSeconds: number;
  /** An integer as a decimal string (JSON numbers lose precision past 2^53). */
  quantity: string;
  /** `cluster:agent:dimension:windowStart`: a resend is recognised and stored once. */
  idempotencyKey: string;
}

export function usageEvent(
  agentId: string,
  clusterId: string,
  dimension: UsageDimension,
  windowStartMs: number,
  windowMs: number,
  quantity: number,
): UsageEvent {
  const start = new Date(windowStartMs);
  return {
    clusterId,
    dimension,
    windowStart: start.toISOString(),
    windowSeconds: windowMs / 1000,
    quantity: BigInt(quantity).toString(),
    idempotencyKey: usageIdempotencyKey(clusterId, agentId, dimension, start),
  };
}
