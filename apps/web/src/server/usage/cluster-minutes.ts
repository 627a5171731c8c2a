import type { PrismaClient } from "@streambed/db";
import { AGENT_LIVENESS_MS } from "@streambed/db/agent-liveness";
import { controlPlaneEvent } from "./control-plane-events.ts";
import { storeUsageEvents } from "./store-usage-events.ts";

const MINUTE_MS = 60_000;
const BLOCK_MS = 15 * MINUTE_MS;
const DAY_MS = 24 * 3_600_000;
/**
 * How far back a run marks minutes (from an agent's start or heartbeat history): runs missed for
 * up to this long lose nothing. Blocks are reported only once this much past their end, so the
 * minutes of a reported block never change.
 */
const MARK_LOOKBACK_MS = 5 * MINUTE_MS;
/** Closed blocks reported again on every run (a no-op once stored): covers missed runs. */
const REPORT_WINDOW_MS = 2 * 3_600_000;

/**
 * Records the minutes in which each cluster had a live agent: a dedicated agent for its own
 * cluster, a shared agent (cluster_id NULL) for every cluster. An agent is live while its
 * heartbeat is fresh; it covers every minute from its start (or the lookback) to its last
 * heartbeat.
 */
export async function markClusterMinutes(prisma: PrismaClient, now: Date): Promise<void> {
  const liveSince = new Date(now.getTime() - AGENT_LIVENESS_MS);
  const lookback = new Date(now.getTime() - MARK_LOOKBACK_MS);
  await prisma.$executeRaw`
    INSERT INTO usage_cluster_minutes (cluster_id, minute_start)
    SELECT DISTINCT c.id, m
    FROM agents a
    JOIN virtual_clusters c ON (a.cluster_id = c.id OR a.cluster_id IS NULL) AND c.deleted_at IS NULL
    CROSS JOIN LATERAL generate_series(
      date_trunc('minute', greatest(a.started_at, ${lookback}::timestamptz), 'UTC'),
      date_trunc('minute', least(a.last_heartbeat_at, ${now}::timestamptz), 'UTC'),
      interval '1 minute') AS m
    WHERE a.last_heartbeat_at > ${liveSince}
    ON CONFLICT DO NOTHING`;
}

/** Rounds minutes up to the 15-minute increment they are billed in. */
const billed = (minutes: number) => Math.ceil(minutes / 15) * 15;

/**
 * cluster_minutes of each closed 15-minute block (windowSeconds 900), billed in 15-minute
 * increments over each uninterrupted stretch of blocks with a live agent (ending at a block with
 * none, or at midnight UTC): a stretch alive 40 minutes bills 45, wherever it starts. A block's
 * event is what its stretch's billed total grew by, so the events of a stretch add up to it.
 */
export async function reportClusterMinutes(prisma: PrismaClient, now: Date): Promise<void> {
  const lastEnd = Math.floor((now.getTime() - MARK_LOOKBACK_MS) / BLOCK_MS) * BLOCK_MS;
  const firstStart = Math.max(0, lastEnd - REPORT_WINDOW_MS);
  const dayStart = Math.floor(firstStart / DAY_MS) * DAY_MS;
  const rows = await prisma.$queryRaw<{ cluster_id: string; block: Date; minutes: number }[]>`
    SELECT cluster_id,
           to_timestamp(floor(extract(epoch FROM minute_start) / 900) * 900) AS block,
           count(*)::int AS minutes
    FROM usage_cluster_minutes
    WHERE minute_start >= ${new Date(dayStart)} AND minute_start < ${new Date(lastEnd)}
    GROUP BY 1, 2`;
  const alive = new Map<string, Map<number, number>>();
  for (const row of rows) {
    const blocks = alive.get(row.cluster_id) ?? new Map<number, number>();
    blocks.set(row.block.getTime(), row.minutes);
    alive.set(row.cluster_id, blocks);
  }
  const clusters = await prisma.virtualCluster.findMany({
    where: { id: { in: [...alive.keys()] } },
    select: { id: true, organizationId: true },
  });
  const events = clusters.flatMap((cluster) => {
    const blocks = alive.get(cluster.id)!;
    const reported = [];
    let stretch = 0;
    for (let start = dayStart; start < lastEnd; start += BLOCK_MS) {
      const minutes = blocks.get(start) ?? 0;
      if (minutes === 0 || start % DAY_MS === 0) stretch = 0;
      const grew = billed(stretch + minutes) - billed(stretch);
      stretch += minutes;
      if (start >= firstStart && grew > 0)
        reported.push(
          controlPlaneEvent(cluster, "cluster_minutes", new Date(start), 900, BigInt(grew)),
        );
    }
    return reported;
  });
  const stored = await storeUsageEvents(prisma, events);
  if (!stored.ok) throw new Error(`cluster_minutes conflict: ${stored.conflictingKeys.join(", ")}`);
  await prisma.usageClusterMinute.deleteMany({
    where: { minuteStart: { lt: new Date(dayStart - DAY_MS) } },
  });
}
