/**
 * The agent's own CPU per MiB, produced and fetched, at 1 and 1000 partitions, beside the floor of
 * the work it must do (CRC-32C of the bytes and an object write of them), and produce latency by
 * stage at a fixed rate. The agent runs in this process, which is otherwise idle during the runs:
 * its CPU counters are the agent's. Producer: confluent-kafka (librdkafka), acks=all, 1 KiB
 * records; consumer: kcat. With --profile, a V8 CPU profile of each run is summarised (functions
 * by self time).
 *
 *   npx tsx bench/agent-cpu.bench.ts [MiB per run, default 128] [--profile]
 */
import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { Session } from "node:inspector/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { crc32c } from "@node-rs/crc32";
import { pino } from "pino";
import { createTestDatabase, startTestPostgres } from "@streambed/db/testing";
import { startAgent, type RunningAgent } from "../src/agent.ts";
import { parseConfig } from "../src/config.ts";
import { createTopic } from "../test/support/kafkajs-admin.ts";
import { measureLocalStoreWrites } from "./object-store.bench.ts";
import { runClient as run } from "./run-client.ts";

const args = process.argv.slice(2);
const profile = args.includes("--profile");
const runMiB = Number(args.find((a) => /^\d+$/.test(a)) ?? 128);
const MiB = 1024 * 1024;
const BATCH_TIMEOUT_MS = 20;
const LATENCY_RATE = 5000;
const LATENCY_SECONDS = 6;
const here = path.dirname(fileURLToPath(import.meta.url));

const cpuMs = () => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
};

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

const frameName = (frame: ProfileNode["callFrame"]) => {
  const file = frame.url.replace(/^.*\/(apps|packages|node_modules)\//, "$1/");
  return `${frame.functionName || "(anonymous)"}${file ? ` ${file}:${frame.lineNumber + 1}` : ""}`;
};

/**
 * Top functions of a V8 CPU profile by self time, and by the nearest function of this
 * repository on the stack (so time in Buffer copies or GC lands on the code that caused it).
 */
function summarise(data: { nodes: ProfileNode[]; samples: number[] }): string {
  const byId = new Map(data.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of data.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const own = (id: number): string => {
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const frame = byId.get(at)!.callFrame;
      if (/\/(apps|packages)\//.test(frame.url) && !frame.url.includes("/bench/"))
        return frameName(frame);
    }
    return frameName(byId.get(id)!.callFrame);
  };
  const self = new Map<string, number>();
  const owners = new Map<string, number>();
  for (const id of data.samples) {
    const name = frameName(byId.get(id)!.callFrame);
    if (name.startsWith("(idle)")) continue;
    self.set(name, (self.get(name) ?? 0) + 1);
    const owner = own(id);
    owners.set(owner, (owners.get(owner) ?? 0) + 1);
  }
  const busy = [...self.values()].reduce((a, b) => a + b, 0);
  const top = (counts: Map<string, number>) =>
    [...counts]
      .sort((a, b) => b[1] - a[1])
      .slice(0, 10)
      .map(([name, n]) => `      ${((n / busy) * 100).toFixed(1).padStart(5)}%  ${name}`)
      .join("\n");
  return `    busy samples by self time:\n${top(self)}\n    by nearest repository function:\n${top(owners)}`;
}

const session = new Session();
session.connect();

/** Runs `work` with the agent's CPU counted (and profiled with --profile). */
async function measured<T>(
  label: string,
  work: (started: () => void) => Promise<T>,
): Promise<{ result: T; agentCpuMs: number }> {
  let before: number | undefined;
  if (profile) {
    await session.post("Profiler.enable");
    await session.post("Profiler.setSamplingInterval", { interval: 500 });
  }
  const result = await work(() => {
    before = cpuMs();
    if (profile) void session.post("Profiler.start");
  });
  const agentCpuMs = cpuMs() - before!;
  if (profile) {
    const { profile: data } = await session.post("Profiler.stop");
    console.log(`  profile of ${label}:\n${summarise(data as never)}`);
  }
  return { result, agentCpuMs };
}

function producePython(argv: string[], started: () => void) {
  return run("/usr/bin/python3", [path.join(here, "clients/produce.py"), ...argv], started).then(
    (out) =>
      JSON.parse(out.trim().split("\n").pop()!) as {
        bytes: number;
        seconds: number;
        errors: number;
        latenciesMs?: number[];
      },
  );
}

async function fetchAll(bootstrap: string, topic: string, started: () => void) {
  started();
  const begun = performance.now();
  const out = await run("/usr/bin/kcat", [
    ...["-C", "-b", bootstrap, "-t", topic, "-o", "beginning", "-e", "-q", "-f", "%S\\n"],
    ...["-X", "fetch.max.bytes=52428800", "-X", "max.partition.fetch.bytes=8388608"],
    ...["-X", "fetch.wait.max.ms=10"],
  ]);
  const bytes = out.split("\n").reduce((sum, line) => sum + (line === "" ? 0 : Number(line)), 0);
  return { bytes, seconds: (performance.now() - begun) / 1000 };
}

/** p50 and p99 of each produce stage from the histogram's bucket counts added during a run. */
async function stagePercentiles(agent: RunningAgent, before: Map<string, number[]>) {
  const now = await stageBuckets(agent);
  const out: string[] = [];
  for (const [stage, counts] of now) {
    const previous = before.get(stage) ?? counts.map(() => 0);
    const delta = counts.map((c, i) => c - previous[i]!);
    const total = delta.at(-1)!;
    const bounds = STAGE_BOUNDS;
    const at = (p: number) => {
      const i = delta.findIndex((c) => c >= p * total);
      return i < bounds.length ? `<=${bounds[i]! * 1000}ms` : `>${bounds.at(-1)! * 1000}ms`;
    };
    out.push(`${stage} p50 ${at(0.5)} p99 ${at(0.99)}`);
  }
  return out.join(", ");
}

let STAGE_BOUNDS: number[] = [];
async function stageBuckets(agent: RunningAgent): Promise<Map<string, number[]>> {
  const metric = agent.metrics.registry.getSingleMetric("streambed_produce_stage_seconds");
  const { values } = await metric!.get();
  const byStage = new Map<string, { le: number; count: number }[]>();
  for (const v of values) {
    if ((v as { metricName?: string }).metricName !== "streambed_produce_stage_seconds_bucket")
      continue;
    const stage = String(v.labels.stage);
    byStage.set(stage, [
      ...(byStage.get(stage) ?? []),
      { le: Number(v.labels.le), count: v.value },
    ]);
  }
  const result = new Map<string, number[]>();
  for (const [stage, buckets] of byStage) {
    buckets.sort((a, b) => a.le - b.le);
    STAGE_BOUNDS = buckets.filter((b) => Number.isFinite(b.le)).map((b) => b.le);
    result.set(
      stage,
      buckets.map((b) => b.count),
    );
  }
  return result;
}

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;

const postgres = await startTestPostgres();
const db = await createTestDatabase(postgres.adminUrl);
const bucketDir = await mkdtemp(path.join(tmpdir(), "streambed-cpu-bench-"));
const parsed = parseConfig(
  [
    ...["--database-url", db.url, "--bucket-url", pathToFileURL(bucketDir).href],
    ...["--cluster-id", "bench", "--kafka-port", "0", "--http-port", "0"],
    ...["--batch-timeout-ms", String(BATCH_TIMEOUT_MS), "--block-cache-bytes", String(1 << 30)],
  ],
  {},
);
if (parsed.help) throw new Error("unreachable");
const agent = await startAgent(parsed.config, pino({ level: "warn" }));
const bootstrap = `127.0.0.1:${agent.kafkaPort}`;

try {
  // The floor: what any agent must spend per MiB: CRC-32C of the bytes and writing them out.
  const data = randomBytes(64 * MiB);
  let crcStarted = cpuMs();
  for (let at = 0; at < data.length; at += MiB) crc32c(data.subarray(at, at + MiB));
  const crcMs = (cpuMs() - crcStarted) / 64;
  crcStarted = cpuMs();
  const writes = await measureLocalStoreWrites({ objects: 16 });
  const writeMs = (cpuMs() - crcStarted) / ((writes.objects * writes.objectBytes) / MiB);
  console.log(
    `floor: CRC-32C ${crcMs.toFixed(2)} ms/MiB + object write ${writeMs.toFixed(2)} ms/MiB = ${(crcMs + writeMs).toFixed(2)} ms/MiB (socket reads not included)`,
  );

  for (const partitions of [1, 1000]) {
    const topic = `cpu-${partitions}`;
    await createTopic(bootstrap, topic, partitions);
    const records = runMiB * 1024;
    const produced = await measured(`produce ${partitions}`, (started) =>
      producePython(["throughput", bootstrap, topic, String(partitions), String(records)], started),
    );
    const producedMiB = produced.result.bytes / MiB;
    console.log(
      `produce ${partitions} partition(s): ${(producedMiB / produced.result.seconds).toFixed(1)} MiB/s, agent ${(produced.agentCpuMs / producedMiB).toFixed(2)} ms CPU per MiB (${produced.result.errors} errors)`,
    );
    const fetched = await measured(`fetch ${partitions}`, (started) =>
      fetchAll(bootstrap, topic, started),
    );
    const fetchedMiB = fetched.result.bytes / MiB;
    console.log(
      `fetch ${partitions} partition(s): ${(fetchedMiB / fetched.result.seconds).toFixed(1)} MiB/s, agent ${(fetched.agentCpuMs / fetchedMiB).toFixed(2)} ms CPU per MiB (${fetchedMiB.toFixed(0)} MiB)`,
    );
  }

  for (const partitions of [1, 1000]) {
    const topic = `latency-${partitions}`;
    await createTopic(bootstrap, topic, partitions);
    const before = await stageBuckets(agent);
    const { result } = await measured(`latency ${partitions}`, (started) =>
      producePython(
        [
          ...["latency", bootstrap, topic, String(partitions)],
          ...[String(LATENCY_RATE), String(LATENCY_SECONDS)],
        ],
        started,
      ),
    );
    const sorted = [...result.latenciesMs!].sort((a, b) => a - b);
    console.log(
      `latency ${partitions} partition(s) at ${LATENCY_RATE}/s: p50 ${percentile(sorted, 0.5).toFixed(1)} ms, p99 ${percentile(sorted, 0.99).toFixed(1)} ms; by stage: ${await stagePercentiles(agent, before)}`,
    );
  }
} finally {
  session.disconnect();
  await agent.stop();
  await db.drop();
  await postgres.teardown();
  await rm(bucketDir, { recursive: true, force: true });
}
