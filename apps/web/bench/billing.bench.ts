/**
 * Billing benchmarks (`npm run bench`): finalizing 1,000 organizations' invoices (target < 60 s)
 * and the estimate's p95 for an organization with 50 clusters and a month of hourly rollups
 * (target < 300 ms). Runs on a throwaway embedded Postgres.
 */
import { createTestDatabase, startTestPostgres } from "@streambed/db/testing";
import { finalizeDueInvoices } from "../src/server/billing/finalization.ts";
import { upcomingInvoice } from "../src/server/billing/invoices.ts";

const MONTH = "2026-11-01T00:00:00Z";
const DIMENSIONS = [
  "write_bytes",
  "read_bytes",
  "storage_byte_hours",
  "cluster_minutes",
  "requests",
];

const postgres = await startTestPostgres();
const db = await createTestDatabase(postgres.adminUrl);
try {
  const { pool } = db;
  // 1,000 organizations with one cluster each and a month of hourly rollups in three dimensions.
  await pool.query(`
    INSERT INTO organizations (id, name, slug, created_at)
    SELECT 'bench-' || i, 'Bench ' || i, 'bench-' || i, timestamptz '2026-11-01'
      FROM generate_series(1, 1000) i`);
  await pool.query(`
    INSERT INTO virtual_clusters (id, organization_id, name, region)
    SELECT 'bench-' || i || '-c', 'bench-' || i, 'cluster', 'eu-west-1' FROM generate_series(1, 1000) i`);
  await pool.query(
    `INSERT INTO usage_hourly (cluster_id, dimension, hour_start, organization_id, quantity)
     SELECT 'bench-' || i || '-c', d, h, 'bench-' || i, (1000000000 + i * 7919)::bigint
       FROM generate_series(1, 1000) i, unnest($1::text[]) d,
            generate_series(timestamptz '${MONTH}', timestamptz '${MONTH}' + interval '29 days 23 hours', interval '1 hour') h`,
    [DIMENSIONS.slice(0, 3)],
  );
  let started = performance.now();
  const invoices = await finalizeDueInvoices(db.prisma, new Date("2026-12-01T01:00:00Z"));
  const finalizeSeconds = (performance.now() - started) / 1000;
  console.log(
    `finalize: ${invoices.length} invoices for 1,000 organizations in ${finalizeSeconds.toFixed(1)} s (target < 60 s)`,
  );

  // One organization with 50 clusters and a month of hourly rollups in every dimension.
  await pool.query(
    `INSERT INTO organizations (id, name, slug, created_at) VALUES ('big', 'Big', 'big', timestamptz '2026-10-01')`,
  );
  await pool.query(`
    INSERT INTO virtual_clusters (id, organization_id, name, region)
    SELECT 'big-c' || i, 'big', 'cluster-' || i, 'eu-west-1' FROM generate_series(1, 50) i`);
  await pool.query(
    `INSERT INTO usage_hourly (cluster_id, dimension, hour_start, organization_id, quantity)
     SELECT 'big-c' || i, d, h, 'big', (5000000000 + i * 104729)::bigint
       FROM generate_series(1, 50) i, unnest($1::text[]) d,
            generate_series(timestamptz '${MONTH}', timestamptz '${MONTH}' + interval '29 days 23 hours', interval '1 hour') h`,
    [DIMENSIONS],
  );
  await pool.query("ANALYZE usage_hourly");
  const now = new Date("2026-11-30T23:30:00Z");
  const timings: number[] = [];
  for (let i = 0; i < 40; i++) {
    started = performance.now();
    await upcomingInvoice(db.prisma, "big", now);
    timings.push(performance.now() - started);
  }
  timings.sort((a, b) => a - b);
  const p = (q: number) =>
    timings[Math.min(timings.length - 1, Math.ceil(q * timings.length) - 1)]!;
  console.log(
    `estimate (50 clusters, 30 days × 24 h × 5 dimensions = 180,000 rollups): p50 ${p(0.5).toFixed(0)} ms, p95 ${p(0.95).toFixed(0)} ms (target < 300 ms)`,
  );
} finally {
  await db.drop();
  await postgres.teardown();
}
