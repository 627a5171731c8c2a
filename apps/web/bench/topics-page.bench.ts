/**
 * `npm run bench -w @streambed/web`: the topics page's data query (tRPC topics.list:
 * listTopicPage) on a cluster of 10,000 topics with 3 partitions each and index rows on a tenth of
 * them, in a throwaway embedded Postgres. Prints p50/p95 of the first page, a deep page (by
 * cursor) and a search; the target is p95 < 300 ms.
 *
 *   npm run bench -w @streambed/web -- [runs per query, default 40]
 */
import { createTestDatabase, startTestPostgres } from "@streambed/db/testing";
import { listTopicPage } from "../src/server/topics/topic-operations.ts";

const runs = Number(process.argv[2] ?? 40);
const TOPICS = 10_000;
const PARTITIONS = 3;
const PAGE = 50;
const TARGET_P95_MS = 300;

const postgres = await startTestPostgres();
const db = await createTestDatabase(postgres.adminUrl);
let slowest = 0;
try {
  const { prisma } = db;
  const organization = await prisma.organization.create({ data: { name: "Bench", slug: "bench" } });
  const cluster = await prisma.virtualCluster.create({
    data: { organizationId: organization.id, name: "bench", region: "local" },
  });
  // Rows as the console and agents write them, generated in SQL: the reads are what is measured.
  const filled = performance.now();
  await prisma.$executeRaw`
    INSERT INTO topics (cluster_id, name, partition_count, configs)
    SELECT ${cluster.id}, 'service-' || (n % 97) || '.events-' || lpad(n::text, 5, '0'), ${PARTITIONS},
           '{"cleanup.policy":"delete"}'::jsonb
    FROM generate_series(1, ${TOPICS}) AS n`;
  await prisma.$executeRaw`
    INSERT INTO partitions (topic_id, partition, cluster_id, next_offset)
    SELECT t.id, p, t.cluster_id, 1000 FROM topics t, generate_series(0, ${PARTITIONS - 1}) AS p`;
  await prisma.$executeRaw`
    INSERT INTO objects (key, cluster_id, level, size_bytes, state)
    SELECT 'bench/' || n, ${cluster.id}, 0, 1048576, 'committed' FROM generate_series(1, 100) AS n`;
  await prisma.$executeRaw`
    INSERT INTO partition_index (topic_id, partition, base_offset, last_offset, cluster_id, object_key,
                                 byte_offset, byte_length, max_timestamp, record_count)
    SELECT t.id, 0, 0, 999, t.cluster_id, 'bench/' || (1 + (row_number() OVER () % 100)), 0, 65536, 0, 1000
    FROM (SELECT * FROM topics ORDER BY name LIMIT ${TOPICS / 10}) t`;
  await prisma.$executeRaw`ANALYZE`;
  console.log(
    `topics page: ${await prisma.topic.count()} topics, ${await prisma.partition.count()} partitions, ` +
      `${await prisma.partitionIndexRow.count()} index rows ` +
      `(filled in ${((performance.now() - filled) / 1000).toFixed(1)} s)`,
  );

  let deepCursor: string | undefined;
  for (let i = 0; i < 100; i++)
    deepCursor =
      (await listTopicPage(prisma, cluster, { cursor: deepCursor, limit: PAGE })).nextCursor ??
      undefined;
  const queries: [string, () => Promise<unknown>][] = [
    ["first page", () => listTopicPage(prisma, cluster, { limit: PAGE })],
    [
      "page 101 (by cursor)",
      () => listTopicPage(prisma, cluster, { cursor: deepCursor, limit: PAGE }),
    ],
    [
      "search 'service-42.'",
      () => listTopicPage(prisma, cluster, { search: "service-42.", limit: PAGE }),
    ],
    [
      "search, no match",
      () => listTopicPage(prisma, cluster, { search: "nothing-like-it", limit: PAGE }),
    ],
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
    slowest = Math.max(slowest, pct(0.95));
    console.log(`  ${name}: p50 ${pct(0.5).toFixed(1)} ms, p95 ${pct(0.95).toFixed(1)} ms`);
  }
  console.log(
    `  slowest p95 ${slowest.toFixed(1)} ms: ${slowest < TARGET_P95_MS ? "within" : "OVER"} the ${TARGET_P95_MS} ms target`,
  );
} finally {
  await db.drop();
  await postgres.teardown();
}
if (slowest >= TARGET_P95_MS) process.exitCode = 1;
