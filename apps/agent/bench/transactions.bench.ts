/**
 * Transactional produce against the non-transactional baseline of the same run: groups of 100
 * 1 KiB records over 10 partitions, each group a transaction (begin, produce, commit: markers
 * written into all 10 partitions) or, for the baseline, the same records from an idempotent
 * producer followed by a flush. Both wait until the group is durable, so the ratio is the cost of
 * the transaction protocol (AddPartitionsToTxn, the marker flush, EndTxn). Reports throughput and
 * per-group latency p50/p99 as ratios to the baseline, and the agent's CPU per MiB
 * (process.cpuUsage: the agent runs in this process, otherwise idle). Producer: confluent-kafka.
 *
 *   npx tsx bench/transactions.bench.ts [groups per run, default 300]
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { pino } from "pino";
import { createTestDatabase, startTestPostgres } from "@streambed/db/testing";
import { startAgent } from "../src/agent.ts";
import { parseConfig } from "../src/config.ts";
import { createTopic } from "../test/support/kafkajs-admin.ts";
import { runClient as run } from "./run-client.ts";

const groups = Number(process.argv[2] ?? 300);
const PARTITIONS = 10;
const RECORDS = 100;
const BATCH_TIMEOUT_MS = 20;
const MiB = 1024 * 1024;
const here = path.dirname(fileURLToPath(import.meta.url));

const cpuMs = () => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
};
const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;

interface Run {
  mibPerSecond: number;
  p50: number;
  p99: number;
  cpuMsPerMiB: number;
  errors: number;
}

async function measure(mode: "plain" | "transactional", bootstrap: string): Promise<Run> {
  const topic = `txn-bench-${mode}`;
  await createTopic(bootstrap, topic, PARTITIONS);
  let before = 0;
  const out = await run(
    "/usr/bin/python3",
    [
      path.join(here, "clients/transactions.py"),
      ...[mode, bootstrap, topic, String(PARTITIONS), String(groups), String(RECORDS)],
    ],
    () => (before = cpuMs()),
  );
  const agentCpuMs = cpuMs() - before;
  const result = JSON.parse(out.trim().split("\n").pop()!) as {
    bytes: number;
    seconds: number;
    errors: number;
    latenciesMs: number[];
  };
  const sorted = result.latenciesMs.toSorted((a, b) => a - b);
  const mib = result.bytes / MiB;
  return {
    mibPerSecond: mib / result.seconds,
    p50: percentile(sorted, 0.5),
    p99: percentile(sorted, 0.99),
    cpuMsPerMiB: agentCpuMs / mib,
    errors: result.errors,
  };
}

const postgres = await startTestPostgres();
const db = await createTestDatabase(postgres.adminUrl);
const bucketDir = await mkdtemp(path.join(tmpdir(), "streambed-txn-bench-"));
const parsed = parseConfig(
  [
    ...["--database-url", db.url, "--bucket-url", pathToFileURL(bucketDir).href],
    ...["--cluster-id", "bench", "--kafka-port", "0", "--http-port", "0"],
    ...["--batch-timeout-ms", String(BATCH_TIMEOUT_MS)],
  ],
  {},
);
if (parsed.help) throw new Error("unreachable");
const agent = await startAgent(parsed.config, pino({ level: "warn" }));
const bootstrap = `127.0.0.1:${agent.kafkaPort}`;

try {
  const line = (name: string, r: Run) =>
    `${name}: ${r.mibPerSecond.toFixed(2)} MiB/s (${(r.mibPerSecond * 1024).toFixed(0)} records/s), per group p50 ${r.p50.toFixed(1)} ms p99 ${r.p99.toFixed(1)} ms, agent ${r.cpuMsPerMiB.toFixed(1)} ms CPU per MiB (${r.errors} errors)`;
  console.log(
    `transactions: ${groups} groups of ${RECORDS} x 1 KiB records over ${PARTITIONS} partitions, batch timeout ${BATCH_TIMEOUT_MS} ms`,
  );
  const plain = await measure("plain", bootstrap);
  console.log(`  ${line("non-transactional (idempotent, flush per group)", plain)}`);
  const txn = await measure("transactional", bootstrap);
  console.log(`  ${line("transactional (commit per group)", txn)}`);
  console.log(
    `  ratios transactional / non-transactional: throughput ${(txn.mibPerSecond / plain.mibPerSecond).toFixed(2)}, p50 ${(txn.p50 / plain.p50).toFixed(2)}, p99 ${(txn.p99 / plain.p99).toFixed(2)}, CPU per MiB ${(txn.cpuMsPerMiB / plain.cpuMsPerMiB).toFixed(2)}`,
  );
} finally {
  await agent.stop();
  await db.drop();
  await postgres.teardown();
  await rm(bucketDir, { recursive: true, force: true });
}
