/**
 * `npm run bench -w @streambed/web`: the usage ingest path (authenticate, validate, store once,
 * roll up) against an embedded Postgres with its default durability (fsync on), in batches of 500
 * events as agents send them. Prints p50/p95 batch latency one batch at a time, and sustained
 * events per second with 4 batches in flight (4 agents reporting at once).
 *
 *   npm run bench -w @streambed/web -- [batches per run, default 60]
 */
import { chmod, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import {
  createPrismaClient,
  runMigrations,
  usageIdempotencyKey,
  usageDimensions,
} from "@streambed/db";
import { startEmbeddedPostgres } from "@streambed/db/embedded";
import { authenticateIngest, usageIngestToken } from "../src/server/usage/ingest-auth.ts";
import { ingestUsage } from "../src/server/usage/ingest.ts";

const BATCH = 500;
const batches = Number(process.argv[2] ?? 60);
const CONCURRENCY = 4;
const CLUSTERS = 20;

const dir = await mkdtemp(path.join(tmpdir(), "usage-ingest-bench-"));
await chmod(dir, 0o755); // the postgres user must enter it when run as root
const postgres = await startEmbeddedPostgres({
  dataDir: path.join(dir, "data"),
  database: "bench",
});
try {
  await runMigrations({ databaseUrl: postgres.url });
  const prisma = createPrismaClient(postgres.url);
  const organization = await prisma.organization.create({
    data: { name: "Bench", slug: "bench" },
  });
  const clusterIds: string[] = [];
  for (let i = 0; i < CLUSTERS; i++)
    clusterIds.push(
      (
        await prisma.virtualCluster.create({
          data: { organizationId: organization.id, name: `bench-${i}`, region: "local" },
        })
      ).id,
    );
  const authorization = `Bearer ${await usageIngestToken(prisma)}`;

  // What one agent sends after a while offline: 500 windows of its clusters, as JSON.
  const now = Date.now();
  const body = (agent: string) =>
    JSON.stringify({
      events: Array.from({ length: BATCH }, (_, i) => {
        const clusterId = clusterIds[i % CLUSTERS]!;
        const dimension = usageDimensions[Math.floor(i / CLUSTERS) % 3]!;
        const windowStart = new Date(
          Math.floor(now / 60_000) * 60_000 - (1 + Math.floor(i / (CLUSTERS * 3))) * 60_000,
        );
        return {
          clusterId,
          dimension,
          windowStart: windowStart.toISOString(),
          windowSeconds: 60,
          quantity: String(1_000_000 + i),
          idempotencyKey: usageIdempotencyKey(clusterId, agent, dimension, windowStart),
        };
      }),
    });

  let sent = 0;
  const ingestOne = async (): Promise<number> => {
    const text = body(`bench-agent-${sent++}`);
    const started = performance.now();
    const principal = await authenticateIngest(prisma, authorization);
    const outcome = await ingestUsage(prisma, principal!, JSON.parse(text));
    if (outcome.status !== 200 || outcome.body.accepted !== BATCH)
      throw new Error(`ingest failed: ${JSON.stringify(outcome)}`);
    return performance.now() - started;
  };

  for (let i = 0; i < 5; i++) await ingestOne(); // warm-up
  const latencies: number[] = [];
  for (let i = 0; i < batches; i++) latencies.push(await ingestOne());
  latencies.sort((a, b) => a - b);
  const pct = (p: number) =>
    latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))]!;

  const started = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next++ < batches) await ingestOne();
    }),
  );
  const seconds = (performance.now() - started) / 1000;

  const stored = await prisma.usageEvent.count();
  console.log(`usage ingest, ${BATCH}-event batches, Postgres fsync on (${stored} events stored)`);
  console.log(
    `  one batch at a time: p50 ${pct(0.5).toFixed(1)} ms, p95 ${pct(0.95).toFixed(1)} ms per batch` +
      ` (${((BATCH * 1000) / pct(0.5)).toFixed(0)} events/s)`,
  );
  console.log(
    `  ${CONCURRENCY} batches in flight: ${((batches * BATCH) / seconds).toFixed(0)} events/s sustained`,
  );
  await prisma.$disconnect();
} finally {
  await postgres.stop();
  await rm(dir, { recursive: true, force: true });
}
