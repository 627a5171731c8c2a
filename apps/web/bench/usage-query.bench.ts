/**
 * `npm run bench -w @streambed/web`: reading usage as the console and GET /api/v1/usage do, over
 * a month of one-minute windows from 5 clusters in every dimension (over a million stored events
 * and their hourly rollups), in a throwaway embedded Postgres. Prints p50/p95 of a 30-day read by
 * hour and by day, for the organization and for one cluster.
 *
 *   npm run bench -w @streambed/web -- [runs per query, default 40]
 */
import { usageDimensions } from "@streambed/db/usage-metering";
import { createTestDatabase, startTestPostgres } from "@streambed/db/testing";
import { usageSeries, usageTotals } from "../src/server/usage/usage-queries.ts";

const runs = Number(process.argv[2] ?? 40);
const CLUSTERS = 5;
const DAYS = 30;

const postgres = await startTestPostgres();
const db = await createTestDatabase(postgres.adminUrl);
try {
  const { prisma } = db;
  const organization = await prisma.organization.create({ data: { name: "Bench", slug: "bench" } });
  const clusterIds: string[] = [];
  for (let i = 0; i < CLUSTERS; i++)
    clusterIds.push(
      (
        await prisma.virtualCluster.create({
          data: { organizationId: organization.id, name: `bench-${i}`, region: "local" },
        })
      ).id,
    );
  const to = new Date(Math.floor(Date.now() / 3_600_000) * 3_600_000);
  const from = new Date(to.getTime() - DAYS * 86_400_000);

  // The events as agents would have sent them (one per cluster, dimension and minute), and the
  // rollups the ingest path keeps from them: generated in SQL, the reads are what is measured.
  const filled = performance.now();
  await prisma.$executeRaw`
    INSERT INTO usage_events (idempotency_key, organization_id, cluster_id, source, dimension,
                              window_start, window_seconds, quantity)
    SELECT c || ':bench-agent:' || d || ':' || to_char(m AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
           ${organization.id}, c, 'bench-agent', d, m, 60, (random() * 1e9)::bigint
    FROM unnest(${clusterIds}::text[]) AS c,
         unnest(${[...usageDimensions]}::text[]) AS d,
         generate_series(${from}::timestamptz, ${to}::timestamptz - interval '1 minute', interval '1 minute') AS m`;
  await prisma.$executeRaw`
    INSERT INTO usage_hourly (cluster_id, dimension, hour_start, organization_id, quantity)
    SELECT cluster_id, dimension, date_trunc('hour', window_start, 'UTC'), organization_id, sum(quantity)
    FROM usage_events GROUP BY 1, 2, 3, 4`;
  await prisma.$executeRaw`ANALYZE`;
  const events = await prisma.usageEvent.count();
  const rollups = await prisma.usageHourly.count();
  console.log(
    `usage reads: ${events} events, ${rollups} hourly rollups, ${CLUSTERS} clusters, ${DAYS} days ` +
      `(filled in ${((performance.now() - filled) / 1000).toFixed(1)} s)`,
  );

  const window = { from, to };
  const all = { organizationId: organization.id };
  const one = { organizationId: organization.id, clusterId: clusterIds[0]! };
  const queries: [string, () => Promise<unknown>][] = [
    ["organization, 30 days by hour", () => usageSeries(prisma, all, window, "hour")],
    ["organization, 30 days by day", () => usageSeries(prisma, all, window, "day")],
    ["one cluster, 30 days by hour", () => usageSeries(prisma, one, window, "hour")],
    ["organization, 30-day totals", () => usageTotals(prisma, all, window)],
  ];
  for (const [name, query] of queries) {
    for (let i = 0; i < 3; i++) await query(); // warm-up
    const latencies: number[] = [];
    for (let i = 0; i < runs; i++) {
      const started = performance.now();
      await query();
      latencies.push(performance.now() - started);
    }
    latencies.sort((a, b) => a - b);
    const pct = (p: number) =>
      latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))]!;
    console.log(`  ${name}: p50 ${pct(0.5).toFixed(1)} ms, p95 ${pct(0.95).toFixed(1)} ms`);
  }
} finally {
  await db.drop();
  await postgres.teardown();
}
