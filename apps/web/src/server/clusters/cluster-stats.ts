import type { PrismaClient } from "@streambed/db";

/** Headline numbers of a cluster for its overview page. */
export async function clusterStats(prisma: PrismaClient, clusterId: string) {
  const [topics, partitions, stored, credentials, groups] = await Promise.all([
    prisma.topic.count({ where: { clusterId } }),
    prisma.partition.aggregate({
      where: { clusterId },
      _count: { _all: true },
      _sum: { nextOffset: true },
    }),
    prisma.partitionIndexRow.aggregate({ where: { clusterId }, _sum: { byteLength: true } }),
    prisma.kafkaCredential.count({ where: { clusterId, revokedAt: null, internal: false } }),
    prisma.committedOffset.findMany({
      where: { clusterId },
      distinct: ["groupId"],
      select: { groupId: true },
    }),
  ]);
  return {
    topics,
    partitions: partitions._count._all,
    recordsProduced: partitions._sum.nextOffset ?? 0n,
    storedBytes: BigInt(stored._sum.byteLength ?? 0),
    activeCredentials: credentials,
    consumerGroups: groups.length,
  };
}
