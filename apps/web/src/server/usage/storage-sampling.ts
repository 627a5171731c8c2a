import type { PrismaClient } from "@streambed/db";
import { controlPlaneEvent } from "./control-plane-events.ts";
import { storeUsageEvents } from "./store-usage-events.ts";

const HOUR_MS = 3_600_000;
/** Closed hours reported again on every run (a no-op once stored): covers missed runs. */
const HOURS_REPORTED = 2;

/**
 * Records the bytes each cluster holds in object storage now: the sizes of its committed objects
 * (those the index references; orphaned and released ones are garbage on their way out and not
 * the customer's data). Clusters with nothing stored get a 0 sample, so a deletion mid-hour is
 * weighted correctly.
 */
export async function sampleStorage(prisma: PrismaClient, now: Date): Promise<void> {
  await prisma.$executeRaw`
    INSERT INTO usage_storage_samples (cluster_id, sampled_at, bytes)
    SELECT c.id, ${now}, coalesce(sum(o.size_bytes), 0)
    FROM virtual_clusters c LEFT JOIN objects o ON o.cluster_id = c.id AND o.state = 'committed'
    WHERE c.deleted_at IS NULL
    GROUP BY c.id
    ON CONFLICT DO NOTHING`;
}

interface Sample {
  sampledAt: Date;
  bytes: bigint;
}

/**
 * storage_byte_hours of one hour from its samples: each sample stands for the bytes held from
 * its instant until the next sample (or the hour's end); the start of the hour is covered by the
 * last sample before it, if any (else sampling began within the hour: nothing before counts).
 */
export function byteHours(hourStart: Date, before: Sample | undefined, inHour: Sample[]): bigint {
  if (inHour.length === 0) return 0n;
  const start = hourStart.getTime();
  const end = start + HOUR_MS;
  let byteMs = before ? BigInt(inHour[0]!.sampledAt.getTime() - start) * before.bytes : 0n;
  inHour.forEach((sample, i) => {
    const until = inHour[i + 1]?.sampledAt.getTime() ?? end;
    byteMs += BigInt(until - sample.sampledAt.getTime()) * sample.bytes;
  });
  return byteMs / BigInt(HOUR_MS);
}

/**
 * Turns the samples of the last closed hours into one storage_byte_hours event per cluster and
 * hour (windowSeconds 3600), then forgets samples no longer needed.
 */
export async function reportStorageByteHours(prisma: PrismaClient, now: Date): Promise<void> {
  const currentHour = Math.floor(now.getTime() / HOUR_MS) * HOUR_MS;
  const firstHour = currentHour - HOURS_REPORTED * HOUR_MS;
  const samples = await prisma.usageStorageSample.findMany({
    where: {
      sampledAt: { gte: new Date(firstHour - HOUR_MS), lt: new Date(currentHour) },
    },
    orderBy: [{ clusterId: "asc" }, { sampledAt: "asc" }],
  });
  const byCluster = new Map<string, Sample[]>();
  for (const s of samples) byCluster.set(s.clusterId, [...(byCluster.get(s.clusterId) ?? []), s]);
  const clusters = await prisma.virtualCluster.findMany({
    where: { id: { in: [...byCluster.keys()] } },
    select: { id: true, organizationId: true },
  });
  const events = clusters.flatMap((cluster) => {
    const clusterSamples = byCluster.get(cluster.id) ?? [];
    return Array.from({ length: HOURS_REPORTED }, (_, i) => {
      const hourStart = new Date(firstHour + i * HOUR_MS);
      const hourEnd = hourStart.getTime() + HOUR_MS;
      const before = clusterSamples.findLast((s) => s.sampledAt < hourStart);
      const inHour = clusterSamples.filter(
        (s) => s.sampledAt >= hourStart && s.sampledAt.getTime() < hourEnd,
      );
      const quantity = byteHours(hourStart, before, inHour);
      return quantity > 0n
        ? [controlPlaneEvent(cluster, "storage_byte_hours", hourStart, 3600, quantity)]
        : [];
    }).flat();
  });
  const stored = await storeUsageEvents(prisma, events);
  if (!stored.ok)
    throw new Error(`storage_byte_hours conflict: ${stored.conflictingKeys.join(", ")}`);
  await prisma.usageStorageSample.deleteMany({
    where: { sampledAt: { lt: new Date(firstHour - HOUR_MS) } },
  });
}
