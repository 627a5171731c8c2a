/**
 * What enforcing client quotas costs when no client reaches its quota: produce throughput and the
 * agent's CPU per MiB with quotas configured (user, client-id and default entities, byte and
 * request rates far above what the run reaches) against none, alternating in one run on one
 * agent. The agent runs in this process, otherwise idle during the runs: its CPU counters are
 * the agent's. Producer: confluent-kafka (librdkafka), acks=all, 1 KiB records.
 *
 *   npx tsx bench/quotas.bench.ts [MiB per run, default 64] [rounds, default 3]
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { Admin } from "@platformatic/kafka";
import { pino } from "pino";
import { createTestDatabase, startTestPostgres } from "@streambed/db/testing";
import { ApiKey } from "@streambed/protocol";
import { startAgent } from "../src/agent.ts";
import { parseConfig } from "../src/config.ts";
import { QuotaEnforcer } from "../src/quotas/quota-enforcer.ts";
import { createTopic } from "../test/support/kafkajs-admin.ts";
import { runClient as run } from "./run-client.ts";

const runMiB = Number(process.argv[2] ?? 64);
const rounds = Number(process.argv[3] ?? 3);
const MiB = 1024 * 1024;
const here = path.dirname(fileURLToPath(import.meta.url));
const unreachable = 1024 * MiB;

const cpuMs = () => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
};

const postgres = await startTestPostgres();
const db = await createTestDatabase(postgres.adminUrl);
const bucketDir = await mkdtemp(path.join(tmpdir(), "streambed-quota-bench-"));
const parsed = parseConfig(
  [
    ...["--database-url", db.url, "--bucket-url", pathToFileURL(bucketDir).href],
    ...["--cluster-id", "bench", "--kafka-port", "0", "--http-port", "0"],
    ...["--batch-timeout-ms", "20"],
  ],
  {},
);
if (parsed.help) throw new Error("unreachable");
const agent = await startAgent(parsed.config, pino({ level: "warn" }));
const bootstrap = `127.0.0.1:${agent.kafkaPort}`;
const admin = new Admin({ clientId: "quota-bench", bootstrapBrokers: [bootstrap] });

/** Entities a shared cluster would have: the client's user (ANONYMOUS here), defaults, others. */
const entities = [
  [{ entityType: "user", entityName: "ANONYMOUS" }],
  [{ entityType: "user", entityName: null }],
  [{ entityType: "client-id", entityName: null }],
  [
    { entityType: "user", entityName: "someone-else" },
    { entityType: "client-id", entityName: "rdkafka" },
  ],
];

async function setQuotas(remove: boolean): Promise<void> {
  await admin.alterClientQuotas({
    entries: entities.map((entity) => ({
      // @platformatic/kafka types keys and entity types as enums of Kafka's names only.
      entities: entity as never,
      ops: [
        { key: "producer_byte_rate", value: unreachable, remove },
        { key: "consumer_byte_rate", value: unreachable, remove },
        { key: "request_rate", value: 1_000_000, remove },
      ] as never,
    })),
  });
  // Let the agent's quota cache pick the change up before the run.
  await new Promise((resolve) => setTimeout(resolve, 500));
}

async function produceRun(topic: string) {
  let before = 0;
  const out = await run(
    "/usr/bin/python3",
    [
      path.join(here, "clients/produce.py"),
      ...["throughput", bootstrap, topic, "8", String(runMiB * 1024)],
    ],
    () => (before = cpuMs()),
  );
  const agentCpuMs = cpuMs() - before;
  const result = JSON.parse(out.trim().split("\n").pop()!) as { bytes: number; seconds: number };
  const mib = result.bytes / MiB;
  return { mibPerSecond: mib / result.seconds, cpuMsPerMiB: agentCpuMs / mib };
}

/** The enforcer alone: CPU per produce request recorded under quotas that are not reached. */
async function recordCost(): Promise<number> {
  const stored = entities.map((entity) => ({
    entity,
    values: [{ key: "producer_byte_rate", value: unreachable }],
  }));
  const enforcer = new QuotaEnforcer({
    store: { list: () => Promise.resolve(stored) },
    ceilings: { produceByteRate: unreachable, fetchByteRate: null },
    windowMs: 1000,
    samples: 11,
    refreshMs: 60_000,
  });
  const use = {
    clusterId: "bench",
    user: "ANONYMOUS",
    clientId: "rdkafka",
    apiKey: ApiKey.Produce,
    requestBytes: 1_000_000,
    responseBytes: () => 0,
  };
  enforcer.record(use);
  await new Promise((resolve) => setTimeout(resolve, 10));
  const calls = 1_000_000;
  const started = cpuMs();
  for (let i = 0; i < calls; i++) enforcer.record(use);
  return ((cpuMs() - started) * 1000) / calls;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

try {
  const microseconds = await recordCost();
  console.log(
    `quota accounting: ${microseconds.toFixed(3)} µs CPU per request (user, client-id and default quotas plus a cluster ceiling)`,
  );
  await createTopic(bootstrap, "quota-bench", 8);
  await produceRun("quota-bench"); // warm-up: JIT, pools, topic metadata
  const none: { mibPerSecond: number; cpuMsPerMiB: number }[] = [];
  const quotas: typeof none = [];
  for (let round = 0; round < rounds; round++) {
    // Alternating which goes first, so that drift over the run does not favour one.
    for (const configured of round % 2 === 0 ? [false, true] : [true, false]) {
      await setQuotas(!configured);
      (configured ? quotas : none).push(await produceRun("quota-bench"));
    }
    const [a, b] = [none.at(-1)!, quotas.at(-1)!];
    console.log(
      `round ${round + 1}: no quotas ${a.mibPerSecond.toFixed(1)} MiB/s ${a.cpuMsPerMiB.toFixed(2)} ms CPU/MiB; quotas not reached ${b.mibPerSecond.toFixed(1)} MiB/s ${b.cpuMsPerMiB.toFixed(2)} ms CPU/MiB`,
    );
  }
  const throughput =
    median(quotas.map((q) => q.mibPerSecond)) / median(none.map((n) => n.mibPerSecond));
  const cpu = median(quotas.map((q) => q.cpuMsPerMiB)) / median(none.map((n) => n.cpuMsPerMiB));
  console.log(
    `quotas configured, not reached, vs none (medians of ${rounds}): throughput ratio ${throughput.toFixed(3)}, agent CPU per MiB ratio ${cpu.toFixed(3)}`,
  );
} finally {
  await admin.close();
  await agent.stop();
  await db.drop();
  await postgres.teardown();
  await rm(bucketDir, { recursive: true, force: true });
}
