import type { PrismaClient } from "@streambed/db";

/** Retention of a topic: its own retention.ms config, else the cluster default. */
export function retentionOf(configs: unknown, clusterDefaultMs: bigint): bigint {
  if (typeof configs === "object" && configs !== null && "retention.ms" in configs) {
    const value = (configs as Record<string, unknown>)["retention.ms"];
    if (typeof value === "string" || typeof value === "number") {
      try {
        return BigInt(value);
      } catch {
        return clusterDefaultMs;
      }
    }
  }
  return clusterDefaultMs;
}

/** Bytes referenced by the partition index, per topic and partition, for one cluster. */
export async function storedBytes(prisma: PrismaClient, clusterId: string, topicIds: string[]) {
  if (topicIds.length === 0) return [];
  const rows = await prisma.partitionIndexRow.groupBy({
    by: ["topicId", "partition"],
    where: { clusterId, topicId: { in: topicIds } },
    _sum: { byteLength: true },
  });
  return rows.map((r) => ({
    topicId: r.topicId,
    partition: r.partition,
    bytes: BigInt(r._sum.byteLength ?? 0),
  }));
}

/** Window over which the topic list reports produce throughput. */
export const throughputWindowMs = 5 * 60_000;

/** Records and bytes committed per topic over the last `throughputWindowMs`, per second. */
export async function recentThroughput(
  prisma: PrismaClient,
  clusterId: string,
  topicIds: string[],
  now = new Date(),
) {
  if (topicIds.length === 0) return [];
  const rows = await prisma.partitionIndexRow.groupBy({
    by: ["topicId"],
    // Compaction rewrites index rows; level-0 rows are the ones written by produce.
    where: {
      clusterId,
      topicId: { in: topicIds },
      createdAt: { gte: new Date(now.getTime() - throughputWindowMs) },
      object: { level: 0 },
    },
    _sum: { recordCount: true, byteLength: true },
  });
  const seconds = throughputWindowMs / 1000;
  return rows.map((r) => ({
    topicId: r.topicId,
    recordsPerSecond: (r._sum.recordCount ?? 0) / seconds,
    bytesPerSecond: (r._sum.byteLength ?? 0) / seconds,
  }));
}
