/**
 * Usage metering on the agent, with confluent-kafka-free clients so the agent's own cost shows:
 *
 * 1. Recorder cost on the produce path: two agents in this process, one metering (counters,
 *    windows, spool, sender) and one not, take the same replayed produce load (acks=all, 1 KiB
 *    records, one partition) in alternating rounds; compared by throughput and by the agent
 *    process's CPU per MiB. Then the same with gzip batches (decompressed in the background).
 * 2. Time from produce to usage visible: with the default 60 s windows, one record produced every
 *    5 s; "visible" is the ingest endpoint acknowledging the window holding it (the stand-in
 *    endpoint stores before answering, as the real one does in one transaction).
 *
 *   tsx bench/usage.bench.ts [MiB per produce round, default 64] [seconds of the latency run, default 150; 0 skips it]
 */
import { spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { pino } from "pino";
import { usageIdempotencyKey } from "@streambed/db";
import { buildRecordBatch, type CompressionType } from "@streambed/protocol";
import { createTestDatabase, startTestPostgres } from "@streambed/db/testing";
import { startAgent, type RunningAgent } from "../src/agent.ts";
import { parseConfig } from "../src/config.ts";
import { WriteBytesCounter } from "../src/usage/uncompressed-size.ts";
import { UsageRecorder } from "../src/usage/usage-recorder.ts";
import { createTopic, kafkaClient } from "../test/support/kafkajs-admin.ts";
import { startUsageIngestServer } from "../test/support/usage-ingest-server.ts";

const roundMiB = Number(process.argv[2] ?? 64);
const latencySeconds = Number(process.argv[3] ?? 150);
const ROUNDS = 6;
const here = path.dirname(fileURLToPath(import.meta.url));

function replay(
  bootstrap: string,
  topic: string,
  compression: string,
): Promise<{ bytes: number; seconds: number; errors: number }> {
  return new Promise((resolve, reject) => {
    const args = [
      "--import",
      "tsx",
      path.join(here, "clients/replay-produce.ts"),
      bootstrap,
      topic,
      "1",
      "1",
      "1000",
      String(roundMiB),
      compression,
    ];
    const child = spawn(process.execPath, args, { stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    child.stdout.on("data", (d: Buffer) => (out += d.toString()));
    child.stderr.on("data", (d: Buffer) => (err += d.toString()));
    child.on("close", (code) =>
      code === 0
        ? resolve(
            JSON.parse(out.trim().split("\n").pop()!) as {
              bytes: number;
              seconds: number;
              errors: number;
            },
          )
        : reject(new Error(`replay-produce exited with ${code}: ${err.slice(-1000)}`)),
    );
  });
}

/**
 * What metering adds to one produce request in isolation, without the machine's noise: the
 * write_bytes count of one committed 1 MiB batch (1000 x 1 KiB records) plus the request count.
 */
async function measureRecorderCall(compression: CompressionType): Promise<void> {
  const recorder = new UsageRecorder(true);
  const counter = new WriteBytesCounter(recorder, logger);
  const batch = await buildRecordBatch({
    records: Array.from({ length: 1000 }, (_, i) => ({ value: Buffer.alloc(1024, i) })),
    compression,
  });
  const calls = 2000;
  const cpu = process.cpuUsage();
  const started = performance.now();
  for (let i = 0; i < calls; i++) {
    counter.count("c", batch);
    recorder.add("c", "requests", 1);
  }
  await counter.idle();
  const used = process.cpuUsage(cpu);
  console.log(
    `  recorder per 1 MiB produce request (${compression}): ${(((performance.now() - started) * 1000) / calls).toFixed(1)} µs wall,` +
      ` ${((used.user + used.system) / calls).toFixed(1)} µs CPU (background decompression included)`,
  );
}

/** Produce to usage acknowledged by the ingest endpoint, with the default 60 s windows. */
async function measureVisibleLatency(metered: RunningAgent): Promise<void> {
  console.log(
    `time from produce to usage visible (60 s windows, one record every 5 s for ${latencySeconds} s)`,
  );
  const producer = kafkaClient(`127.0.0.1:${metered.kafkaPort}`).producer();
  await producer.connect();
  const produced: number[] = [];
  for (let t = 0; t < latencySeconds; t += 5) {
    await producer.send({ topic: "load", acks: -1, messages: [{ value: "tick" }] });
    produced.push(Date.now());
    await new Promise((resolve) => setTimeout(resolve, 5000));
  }
  await producer.disconnect();
  // The last windows close within a minute.
  const deadline = Date.now() + 75_000;
  const keyOf = (at: number) =>
    usageIdempotencyKey(
      "metered",
      metered.id,
      "write_bytes",
      new Date(Math.floor(at / 60_000) * 60_000),
    );
  while (Date.now() < deadline && !ingest.receivedAt.has(keyOf(produced.at(-1)!)))
    await new Promise((resolve) => setTimeout(resolve, 200));
  const latencies = produced.map((at) => (ingest.receivedAt.get(keyOf(at)) ?? Number.NaN) - at);
  console.log(
    `  p50 ${(percentile(latencies, 0.5) / 1000).toFixed(1)} s, p95 ${(percentile(latencies, 0.95) / 1000).toFixed(1)} s, max ${(Math.max(...latencies) / 1000).toFixed(1)} s over ${latencies.length} records`,
  );
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const percentile = (xs: number[], p: number) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(p * xs.length))]!;

const postgres = await startTestPostgres();
const db = await createTestDatabase(postgres.adminUrl);
const bucketDir = await mkdtemp(path.join(tmpdir(), "usage-bench-bucket-"));
const spoolDir = await mkdtemp(path.join(tmpdir(), "usage-bench-spool-"));
const ingest = await startUsageIngestServer();
const logger = pino({ level: "warn" });
const agents: RunningAgent[] = [];
async function agent(clusterId: string, metered: boolean): Promise<RunningAgent> {
  const parsed = parseConfig(
    [
      "--database-url",
      db.url,
      "--bucket-url",
      `file://${bucketDir}`,
      "--cluster-id",
      clusterId,
      "--kafka-port",
      "0",
      "--http-port",
      "0",
      "--batch-timeout-ms",
      "20",
      ...(metered ? ["--control-plane-url", ingest.url, "--usage-spool-dir", spoolDir] : []),
    ],
    {},
  );
  if (parsed.help) throw new Error("unreachable");
  const started = await startAgent(parsed.config, logger);
  agents.push(started);
  return started;
}

try {
  const plain = await agent("plain", false);
  const metered = await agent("metered", true);
  const bootstrap = (a: RunningAgent) => `127.0.0.1:${a.kafkaPort}`;
  for (const a of [plain, metered]) await createTopic(bootstrap(a), "load", 1);

  console.log(
    `usage metering on the produce path (${ROUNDS} alternating rounds of ${roundMiB} MiB, acks=all, 1 KiB records)`,
  );
  for (const compression of ["none", "gzip"]) {
    const results = { plain: [] as number[], metered: [] as number[] };
    const cpu = { plain: [] as number[], metered: [] as number[] };
    for (let round = 0; round < ROUNDS; round++) {
      const order =
        round % 2 === 0 ? (["plain", "metered"] as const) : (["metered", "plain"] as const);
      for (const which of order) {
        const target = which === "plain" ? plain : metered;
        const cpuBefore = process.cpuUsage();
        const run = await replay(bootstrap(target), "load", compression);
        if (which === "metered") await metered.usageSent();
        const used = process.cpuUsage(cpuBefore);
        if (run.errors > 0) throw new Error(`${run.errors} produce errors`);
        const mib = run.bytes / 1024 / 1024;
        results[which].push(mib / run.seconds);
        cpu[which].push((used.user + used.system) / 1000 / mib);
      }
    }
    const [p, m] = [median(results.plain), median(results.metered)];
    const rounds = (xs: number[]) => xs.map((x) => x.toFixed(0)).join(" ");
    console.log(
      `  ${compression.padEnd(5)} rounds (MiB/s): without ${rounds(results.plain)}; with ${rounds(results.metered)}`,
    );
    console.log(
      `  ${compression.padEnd(5)} without metering ${p.toFixed(1)} MiB/s, with ${m.toFixed(1)} MiB/s` +
        ` (${(((m - p) / p) * 100).toFixed(1)}%); agent CPU ${median(cpu.plain).toFixed(2)} vs ${median(cpu.metered).toFixed(2)} ms/MiB`,
    );
  }

  for (const compression of ["none", "gzip", "snappy", "lz4", "zstd"] as const)
    await measureRecorderCall(compression);
  if (latencySeconds > 0) await measureVisibleLatency(metered);
} finally {
  for (const a of agents) await a.stop();
  await ingest.close();
  await db.drop();
  await postgres.teardown();
  await rm(bucketDir, { recursive: true, force: true });
  await rm(spoolDir, { recursive: true, force: true });
}
