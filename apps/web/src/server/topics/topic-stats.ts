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
  // Compaction rewrites index rows; rows of level-0 objects are the ones written by produce.
  // (Index rows have no foreign key, hence no Prisma relation, to their object: a join.)
  const rows = await prisma.$queryRaw<{ topic_id: string; records: bigint; bytes: bigint }[]>`
    SELECT i.topic_id::text AS topic_id, sum(i.record_count)::int8 AS records, sum(i.byte_length)::int8 AS bytes
    FROM partition_index i JOIN objects o ON o.key = i.object_key
    WHERE i.cluster_id = ${clusterId} AND i.topic_id = ANY(${topicIds}::uuid[])
      AND i.created_at >= ${new Date(now.getTime() - throughputWindowMs)} AND o.level = 0
    GROUP BY i.topic_id`;
  const seconds = throughputWindowMs / 1000;
  return rows.map((r) => ({
    topicId: r.topic_id,
    recordsPerSecond: Number(r.records) / seconds,
    bytesPerSecond: Number(r.bytes) / seconds,
  }));
}
