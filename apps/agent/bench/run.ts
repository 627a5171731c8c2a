/**
 * `npm run bench -w @streambed/agent`: one agent on the local-directory store, driven over the
 * Kafka protocol by confluent-kafka (librdkafka, /usr/bin/python3) with acks=all 1 KiB records.
 * Prints produce throughput (1, 100, 1000 partitions) next to the raw store write rate, the same
 * with a replaying client that costs next to nothing (client, agent and store share this
 * machine's cores), produce latency at a fixed rate against the batch timeout, objects per second
 * for 1 vs 1000 partitions, and fetch throughput (kcat) with a warm and a cold block cache. Each
 * produce row also says what the client and the object writes alone cost in CPU per MiB, and so
 * how fast any agent could at most go on this machine's cores.
 *
 *   npm run bench -w @streambed/agent -- [MiB per produce run, default 256]
 */
import { readFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { availableParallelism, tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { pino } from "pino";
import { createTestDatabase, startTestPostgres } from "@streambed/db/testing";
import { startAgent, type RunningAgent } from "../src/agent.ts";
import { parseConfig } from "../src/config.ts";
import { createTopic } from "../test/support/kafkajs-admin.ts";
import { measureLocalStoreWrites } from "./object-store.bench.ts";
import { runClient as run } from "./run-client.ts";

const produceMiB = Number(process.argv[2] ?? 256);
const BATCH_TIMEOUT_MS = 20;
const LATENCY_RATE = 5000; // records (KiB) per second: a moderate 5 MiB/s
const LATENCY_SECONDS = 6;
const REPEATS = 3;
/** Holds the whole 100-partition topic the fetch runs read (6 produce runs), so "warm" is warm. */
const FETCH_CACHE_BYTES = 2 * 1024 * 1024 * 1024;
const here = path.dirname(fileURLToPath(import.meta.url));

interface ProduceRun {
  records: number;
  bytes: number;
  seconds: number;
  errors: number;
  /** The client's own CPU seconds (Python plus librdkafka threads). */
  cpuSeconds: number;
  latenciesMs?: number[];
}

function producePython(args: string[], onStarted?: () => void): Promise<ProduceRun> {
  return run("/usr/bin/python3", [path.join(here, "clients/produce.py"), ...args], onStarted).then(
    (out) => JSON.parse(out.trim().split("\n").pop()!) as ProduceRun,
  );
}

/**
 * The same load from a client that re-sends pre-built requests shaped like librdkafka's in the
 * runs above (one partition per request; 1000, 400 and 100 1 KiB records per batch for 1, 100
 * and 1000 partitions): it costs next to no CPU, so the run shows what the agent does with the
 * cores it gets.
 */
function produceReplayed(
  topic: string,
  partitions: number,
  onStarted: () => void,
): Promise<ProduceRun> {
  const recordsPerBatch = partitions === 1 ? 1000 : partitions <= 100 ? 400 : 100;
  const args = [
    "--import",
    "tsx",
    path.join(here, "clients/replay-produce.ts"),
    bootstrap,
    topic,
    String(partitions),
    "1",
    String(recordsPerBatch),
    String(produceMiB),
  ];
  return run(process.execPath, args, onStarted).then((out) => {
    const r = JSON.parse(out.trim().split("\n").pop()!) as Omit<ProduceRun, "records">;
    return { ...r, records: r.bytes / 1024 };
  });
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

async function metricValue(agent: RunningAgent, metric: string, series: string): Promise<number> {
  const text = await agent.metrics.registry.getSingleMetricAsString(metric);
  const line = text.split("\n").find((l) => l.startsWith(`${series} `));
  return line ? Number(line.split(" ")[1]) : 0;
}

interface AgentCounters {
  puts: number;
  commits: number;
  commitSeconds: number;
  /** CPU seconds of this process, which runs the agent (the bench itself is idle meanwhile). */
  cpuSeconds: number;
  /** CPU seconds of the whole machine: agent, client, Postgres and the kernel's work for them. */
  machineSeconds: number;
}

/** Busy CPU seconds of all cores since boot (Linux /proc/stat: user, nice, system, irq, softirq, steal). */
function machineBusySeconds(): number {
  const fields = readFileSync("/proc/stat", "utf8")
    .split("\n")[0]!
    .trim()
    .split(/\s+/)
    .slice(1)
    .map(Number);
  return [0, 1, 2, 5, 6, 7].reduce((sum, i) => sum + (fields[i] ?? 0), 0) / 100;
}

async function agentCounters(agent: RunningAgent): Promise<AgentCounters> {
  const cpu = process.cpuUsage();
  return {
    puts: await metricValue(
      agent,
      "streambed_object_requests_total",
      'streambed_object_requests_total{op="put"}',
    ),
    commits: await metricValue(
      agent,
      "streambed_commit_duration_seconds",
      "streambed_commit_duration_seconds_count",
    ),
    commitSeconds: await metricValue(
      agent,
      "streambed_commit_duration_seconds",
      "streambed_commit_duration_seconds_sum",
    ),
    cpuSeconds: (cpu.user + cpu.system) / 1e6,
    machineSeconds: machineBusySeconds(),
  };
}

/**
 * Objects/s, commit time and where the CPU went during one run: the agent's and the client's
 * share, per MiB (throughput runs) or in cores (fixed-rate runs).
 */
function runCosts(
  before: AgentCounters,
  after: AgentCounters,
  result: ProduceRun,
  cpu: "per MiB" | "cores",
): string {
  const commits = after.commits - before.commits;
  const commitMs =
    commits > 0 ? ((after.commitSeconds - before.commitSeconds) / commits) * 1000 : 0;
  const agentCpu = after.cpuSeconds - before.cpuSeconds;
  const share = (seconds: number) =>
    cpu === "per MiB"
      ? `${((seconds / (result.bytes / MiB)) * 1000).toFixed(2)} ms`
      : `${(seconds / result.seconds).toFixed(2)} cores`;
  return (
    `${((after.puts - before.puts) / result.seconds).toFixed(1)} objects/s, commit ${commitMs.toFixed(1)} ms avg, ` +
    `CPU ${cpu === "per MiB" ? "per MiB " : ""}agent ${share(agentCpu)} / client ${share(result.cpuSeconds)} / ` +
    `whole machine ${share(after.machineSeconds - before.machineSeconds)}`
  );
}

/** One client run, with the agent's counters taken from the client's "started" line to its end. */
async function countedRun(
  produceOnce: (onStarted: () => void) => Promise<ProduceRun>,
  cpu: "per MiB" | "cores",
): Promise<{ result: ProduceRun; costs: string }> {
  let before: Promise<AgentCounters> | undefined;
  const result = await produceOnce(() => {
    before = agentCounters(agent);
  });
  if (!before) throw new Error("the client never said it started");
  return { result, costs: runCosts(await before, await agentCounters(agent), result, cpu) };
}

function median<T>(items: readonly T[], value: (item: T) => number): T {
  return [...items].sort((a, b) => value(a) - value(b))[Math.floor(items.length / 2)]!;
}

const MiB = 1024 * 1024;
const cores = availableParallelism();
const rows: [string, string][] = [];
const row = (name: string, value: string) => {
  rows.push([name, value]);
  console.log(`  ${name}: ${value}`);
};

const postgres = await startTestPostgres();
const db = await createTestDatabase(postgres.adminUrl);
const bucketDir = await mkdtemp(path.join(tmpdir(), "streambed-bench-bucket-"));
const logger = pino({ level: "warn" });
const startBenchAgent = async () => {
  const parsed = parseConfig(
    [
      "--database-url",
      db.url,
      "--bucket-url",
      pathToFileURL(bucketDir).href,
      "--cluster-id",
      "bench",
      "--kafka-port",
      "0",
      "--http-port",
      "0",
      "--batch-timeout-ms",
      String(BATCH_TIMEOUT_MS),
      "--block-cache-bytes",
      String(FETCH_CACHE_BYTES),
    ],
    {},
  );
  if (parsed.help) throw new Error("unreachable");
  return startAgent(parsed.config, logger);
};
let agent = await startBenchAgent();
let bootstrap = `127.0.0.1:${agent.kafkaPort}`;

try {
  // Agent, client and store share this machine's cores, and runs vary with its other load: the
  // raw rate is sampled before each partition count and every produce run is repeated; the
  // ratios compare medians.
  const raws: { mibPerSecond: number; cpuMsPerMiB: number }[] = [];
  const sampleRaw = async () => {
    const cpu = process.cpuUsage();
    // 8 MiB objects, as many PUTs in flight as the agent runs flushes.
    const raw = await measureLocalStoreWrites({
      objects: Math.max(16, Math.round(produceMiB / 8)),
    });
    const used = process.cpuUsage(cpu);
    raws.push({
      mibPerSecond: raw.mibPerSecond,
      cpuMsPerMiB: (used.user + used.system) / 1000 / ((raw.objects * raw.objectBytes) / MiB),
    });
  };

  // The client shares the machine's cores with the agent: its own cost per MiB bounds the runs below.
  const ceiling = await producePython([
    "enqueue",
    "127.0.0.1:1",
    "ceiling",
    "1000",
    String(produceMiB * 1024),
  ]);
  row(
    "client alone (enqueue, no broker)",
    `${(ceiling.bytes / MiB / ceiling.seconds).toFixed(1)} MiB/s, ${((ceiling.cpuSeconds / (ceiling.bytes / MiB)) * 1000).toFixed(2)} ms CPU per MiB`,
  );

  console.log(
    `produce throughput (${produceMiB} MiB of 1 KiB records, acks=all, batch timeout ${BATCH_TIMEOUT_MS} ms, median of ${REPEATS} runs)`,
  );
  const produced: { name: string; runs: { result: ProduceRun; costs: string }[] }[] = [];
  const measure = async (
    name: string,
    produceOnce: (onStarted: () => void) => Promise<ProduceRun>,
  ) => {
    const runs = [];
    for (let i = 0; i < REPEATS; i++) runs.push(await countedRun(produceOnce, "per MiB"));
    produced.push({ name, runs });
  };
  for (const partitions of [1, 100, 1000]) {
    await sampleRaw();
    const topic = `throughput-${partitions}`;
    await createTopic(bootstrap, topic, partitions);
    await measure(`produce ${partitions} partition(s)`, (started) =>
      producePython(
        ["throughput", bootstrap, topic, String(partitions), String(produceMiB * 1024)],
        started,
      ),
    );
    await measure(`produce ${partitions} partition(s), replaying client`, (started) =>
      produceReplayed(topic, partitions, started),
    );
  }
  const raw = median(raws, (r) => r.mibPerSecond);
  row(
    "raw store write",
    `${raw.mibPerSecond.toFixed(1)} MiB/s (samples ${raws.map((r) => r.mibPerSecond.toFixed(0)).join(", ")}), ${raw.cpuMsPerMiB.toFixed(2)} ms CPU per MiB`,
  );
  for (const { name, runs } of produced) {
    const rate = (r: ProduceRun) => r.bytes / MiB / r.seconds;
    const mid = median(runs, (r) => rate(r.result));
    const errors = runs.reduce((sum, r) => sum + r.result.errors, 0);
    // The client and the object writes alone need this much CPU per MiB: on this machine's cores
    // no agent, however cheap, could go faster than the bound.
    const clientAndStoreMs =
      (mid.result.cpuSeconds / (mid.result.bytes / MiB)) * 1000 + raw.cpuMsPerMiB;
    const bound = (cores * 1000) / clientAndStoreMs;
    row(
      name,
      `${rate(mid.result).toFixed(1)} MiB/s (${(rate(mid.result) / raw.mibPerSecond).toFixed(2)} of raw; runs ${runs.map((r) => rate(r.result).toFixed(0)).join(", ")}), ${errors} errors, ${mid.costs}; ` +
        `client + store writes alone ${clientAndStoreMs.toFixed(2)} ms CPU per MiB: no agent on ${cores} cores beyond ${bound.toFixed(0)} MiB/s (${(bound / raw.mibPerSecond).toFixed(2)} of raw)`,
    );
  }

  console.log(
    `produce latency at ${LATENCY_RATE} records/s (${((LATENCY_RATE * 1024) / MiB).toFixed(1)} MiB/s), linger.ms=0`,
  );
  for (const partitions of [1, 1000]) {
    const topic = `latency-${partitions}`;
    await createTopic(bootstrap, topic, partitions);
    const { result, costs } = await countedRun(
      (started) =>
        producePython(
          [
            "latency",
            bootstrap,
            topic,
            String(partitions),
            String(LATENCY_RATE),
            String(LATENCY_SECONDS),
          ],
          started,
        ),
      "cores",
    );
    const sorted = [...result.latenciesMs!].sort((a, b) => a - b);
    row(
      `latency ${partitions} partition(s)`,
      `p50 ${percentile(sorted, 50).toFixed(1)} ms, p99 ${percentile(sorted, 99).toFixed(1)} ms (batch timeout ${BATCH_TIMEOUT_MS} ms), ${costs}`,
    );
  }

  console.log(
    `fetch throughput (kcat, the 100-partition topic written above, block cache ${FETCH_CACHE_BYTES / MiB} MiB)`,
  );
  const topic = "throughput-100";
  const fetchAll = async () => {
    const started = performance.now();
    const out = await run("/usr/bin/kcat", [
      "-C",
      "-b",
      bootstrap,
      "-t",
      topic,
      "-o",
      "beginning",
      "-e",
      "-q",
      "-f",
      "%S\\n",
      "-X",
      "fetch.max.bytes=52428800",
      "-X",
      "max.partition.fetch.bytes=8388608",
      "-X",
      "fetch.wait.max.ms=10",
    ]);
    const seconds = (performance.now() - started) / 1000;
    const bytes = out.split("\n").reduce((sum, line) => sum + (line === "" ? 0 : Number(line)), 0);
    return `${(bytes / MiB / seconds).toFixed(1)} MiB/s (${(bytes / MiB).toFixed(0)} MiB)`;
  };
  // A short fetch wait lets kcat see the end of each partition (-e) without a 500 ms long poll.
  // A new agent has an empty block cache: every block comes from the store.
  await agent.stop();
  agent = await startBenchAgent();
  bootstrap = `127.0.0.1:${agent.kafkaPort}`;
  row("fetch cold cache", await fetchAll());
  row("fetch warm cache", await fetchAll());
} finally {
  await agent.stop();
  await db.drop();
  await postgres.teardown();
  await rm(bucketDir, { recursive: true, force: true });
}

console.log("\n| measurement | result |\n|---|---|");
for (const [name, value] of rows) console.log(`| ${name} | ${value} |`);
