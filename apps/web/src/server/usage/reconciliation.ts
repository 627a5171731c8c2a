import type { PrismaClient } from "@streambed/db";
import type { Logger } from "pino";

const DAY_MS = 24 * 3_600_000;
/** Metered write_bytes this far below what the data plane committed are flagged. */
export const DRIFT_THRESHOLD = 0.01;

export interface WriteBytesReconciliation {
  clusterId: string;
  /** Bytes of the record batches committed that day, as stored (compressed if sent so). */
  committedBytes: bigint;
  /** write_bytes metered that day (uncompressed). */
  meteredBytes: bigint;
  /** Share of the committed bytes missing from the metered figure (0 when metered >= committed). */
  drift: number;
  flagged: boolean;
}

export interface ReconciliationMetrics {
  drift: { set(labels: { cluster_id: string }, value: number): void };
  flagged: { inc(value?: number): void };
}

/**
 * Nightly check of the agents' write_bytes against the data plane's own record of the day: the
 * index rows committed that day (partition_index.byte_length). Index rows hold batches as stored,
 * which are smaller than write_bytes when producers compress, and equal when they do not; so what
 * is compared is a floor: metered write_bytes must be at least the committed bytes. A shortfall
 * above 1% (windows lost, an agent not reporting) is flagged in the log and on a metric.
 * Over-metering cannot be seen this way. Rows already removed by retention before the check
 * lower the floor, so they can hide drift but never raise a false alarm.
 */
export async function reconcileWriteBytes(
  prisma: PrismaClient,
  day: Date,
  log: Pick<Logger, "warn" | "info">,
  metrics?: ReconciliationMetrics,
): Promise<WriteBytesReconciliation[]> {
  const from = new Date(Math.floor(day.getTime() / DAY_MS) * DAY_MS);
  const to = new Date(from.getTime() + DAY_MS);
  const rows = await prisma.$queryRaw<{ cluster_id: string; committed: bigint; metered: bigint }[]>`
    SELECT c.id AS cluster_id,
           (SELECT coalesce(sum(i.byte_length), 0)::bigint FROM partition_index i
             WHERE i.cluster_id = c.id AND i.created_at >= ${from} AND i.created_at < ${to}) AS committed,
           (SELECT coalesce(sum(h.quantity), 0)::bigint FROM usage_hourly h
             WHERE h.cluster_id = c.id AND h.dimension = 'write_bytes'
               AND h.hour_start >= ${from} AND h.hour_start < ${to}) AS metered
    FROM virtual_clusters c`;
  const results = rows
    .filter((r) => r.committed > 0n || r.metered > 0n)
    .map((r): WriteBytesReconciliation => {
      const committed = BigInt(r.committed);
      const metered = BigInt(r.metered);
      const missing = committed > metered ? committed - metered : 0n;
      const drift = committed === 0n ? 0 : Number((missing * 1_000_000n) / committed) / 1_000_000;
      return {
        clusterId: r.cluster_id,
        committedBytes: committed,
        meteredBytes: metered,
        drift,
        flagged: drift > DRIFT_THRESHOLD,
      };
    });
  for (const r of results) {
    metrics?.drift.set({ cluster_id: r.clusterId }, r.drift);
    if (!r.flagged) continue;
    metrics?.flagged.inc();
    log.warn(
      {
        clusterId: r.clusterId,
        day: from.toISOString().slice(0, 10),
        committedBytes: r.committedBytes.toString(),
        meteredBytes: r.meteredBytes.toString(),
        drift: r.drift,
      },
      "write_bytes drift: metered usage is below what the data plane committed",
    );
  }
  log.info(
    { day: from.toISOString().slice(0, 10), clusters: results.length },
    "write_bytes reconciled",
  );
  return results;
}
