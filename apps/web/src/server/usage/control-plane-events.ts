import { usageIdempotencyKey, type UsageDimension } from "@streambed/db/usage-metering";
import type { UsageEventRow } from "./usage-event.ts";

/** The source of events the control plane measures itself (storage, cluster-minutes). */
export const CONTROL_PLANE_SOURCE = "control-plane";

/** A usage event measured by a control-plane job, keyed like the agents' events. */
export function controlPlaneEvent(
  cluster: { id: string; organizationId: string },
  dimension: UsageDimension,
  windowStart: Date,
  windowSeconds: number,
  quantity: bigint,
): UsageEventRow {
  return {
    idempotencyKey: usageIdempotencyKey(cluster.id, CONTROL_PLANE_SOURCE, dimension, windowStart),
    organizationId: cluster.organizationId,
    clusterId: cluster.id,
    source: CONTROL_PLANE_SOURCE,
    dimension,
    windowStart,
    windowSeconds,
    quantity,
  };
}
