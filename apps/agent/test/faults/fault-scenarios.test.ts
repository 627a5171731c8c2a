import { mkdtemp, rm, chmod, writeFile, mkdir } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from "vitest";
import { checkHistory, summarizeReport, type CheckReport } from "@streambed/checker";
import { createTestDatabase, type TestDatabase } from "@streambed/db/testing";
import { startEmbeddedPostgres, type EmbeddedPostgres } from "@streambed/db/embedded";
import { startS3Server, type S3TestServer } from "../storage/s3-server.ts";
import { createTopic } from "../support/kafkajs-admin.ts";
import { startChildAgent, type ChildAgent } from "../support/test-agents.ts";
import { longestAckGap, startRecordedLoad, type RunningLoad } from "./recorded-load.ts";
import net from "node:net";
import { startTcpProxy } from "./tcp-proxy.ts";

/**
 * Fault scenarios against real agents (child processes), real Postgres and the S3-API server,
 * under produce + consume + group load from KafkaJS, each judged by the history checker.
 * Short by default; STREAMBED_FAULTS_SOAK=1 runs each for two minutes.
 */
const soak = process.env.STREAMBED_FAULTS_SOAK === "1";
const LOAD_MS = soak ? 120_000 : 12_000;
const TIMEOUT = LOAD_MS + 90_000;
const reportDir = path.resolve(import.meta.dirname, "../../.fault-reports");

let s3: S3TestServer;
let agents: ChildAgent[] = [];

beforeAll(async () => {
  s3 = await startS3Server();
  process.env.AWS_ACCESS_KEY_ID = s3.credentials.accessKeyId;
  process.env.AWS_SECRET_ACCESS_KEY = s3.credentials.secretAccessKey;
  await mkdir(reportDir, { recursive: true });
});

afterEach(async () => {
  await Promise.all(agents.map((a) => a.kill("SIGKILL")));
  agents = [];
});

afterAll(async () => {
  await s3?.stop();
});

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

interface AgentSlot {
  kafkaPort: number;
  httpPort: number;
}

async function startAgents(
  /** One URL for all, or each agent's (to put one behind a proxy). */
  databaseUrl: string | ((agent: number) => string),
  clusterId: string,
  extra: string[] = [],
): Promise<{ slots: AgentSlot[]; start: (i: number) => Promise<ChildAgent> }> {
  const slots: AgentSlot[] = [];
  for (let i = 0; i < 3; i++)
    slots.push({ kafkaPort: await freePort(), httpPort: await freePort() });
  const start = async (i: number) => {
    const agent = await startChildAgent({
      databaseUrl: typeof databaseUrl === "string" ? databaseUrl : databaseUrl(i),
      bucketUrl: s3.bucketUrl(clusterId),
      clusterId,
      extra: [
        "--kafka-port",
        String(slots[i]!.kafkaPort),
        "--http-port",
        String(slots[i]!.httpPort),
        "--batch-timeout-ms",
        "50",
        ...extra,
      ],
    });
    agents[i] = agent;
    return agent;
  };
  // One at a time: three tsx start-ups at once can exceed the start timeout on a busy machine.
  for (let i = 0; i < slots.length; i++) await start(i);
  return { slots, start };
}

const bootstrapOf = (slots: AgentSlot[]) => slots.map((s) => `127.0.0.1:${s.kafkaPort}`);

/** Judges the run, keeps its JSON report, prints its figures and asserts nothing was lost. */
async function judge(
  name: string,
  load: RunningLoad,
  recoveryMs: number | null,
): Promise<CheckReport> {
  const report = checkHistory(load.history.events);
  await writeFile(
    path.join(reportDir, `${name}.json`),
    JSON.stringify({ scenario: name, recoveryMs, report, history: load.history.events }),
  );
  const c = report.counts;
  console.log(
    `[fault scenario] ${name}: acknowledged ${c.acknowledged}, lost ${c.lost}, duplicated ${c.duplicated}, ` +
      `failed ${c.failed} (${c.failedButWritten} written anyway), read ${c.distinctRead}, ` +
      `recovery ${recoveryMs === null ? "n/a" : `${Math.round(recoveryMs)} ms`}\n${summarizeReport(report)}`,
  );
  expect(report.counts.acknowledged).toBeGreaterThan(100);
  expect(report.anomalies.lost).toEqual([]);
  expect(report.anomalies.duplicated).toEqual([]);
  expect(report.valid, summarizeReport(report)).toBe(true);
  return report;
}

/** Object store requests that failed on the agents (injected faults show up here). */
async function objectRequestFailures(slots: AgentSlot[]): Promise<number> {
  let total = 0;
  for (const { httpPort } of slots) {
    const text = await (await fetch(`http://127.0.0.1:${httpPort}/metrics`)).text();
    total += Number(/^streambed_object_request_failures_total (\d+)/m.exec(text)?.[1] ?? 0);
  }
  return total;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Whether the agent's /healthz says it reaches the metadata store. */
async function healthy(httpPort: number): Promise<boolean> {
  try {
    const res = await fetch(`http://127.0.0.1:${httpPort}/healthz`, {
      signal: AbortSignal.timeout(5000),
    });
    return res.ok;
  } catch {
    return false;
  }
}

/** Milliseconds (history clock) from `from` to the first acknowledgement after it. */
async function firstAckAfter(load: RunningLoad, from: number): Promise<number> {
  await expect
    .poll(() => load.ackTimes.some((t) => t > from), { timeout: 60_000, interval: 100 })
    .toBe(true);
  return Math.round(load.ackTimes.find((t) => t > from)! - from);
}

describe("fault scenarios", () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase(inject("postgresAdminUrl"));
  });
  afterAll(async () => {
    await db?.drop();
  });

  it(
    "object store with 10% errors, latency spikes, stalls and lost PUT answers: nothing acknowledged is lost",
    async () => {
      const { slots } = await startAgents(db.url, "store-faults", [
        "--store-faults",
        "seed=7,error_rate=0.1,latency_ms=400,latency_rate=0.05,stall_rate=0.01,lost_put_rate=0.02",
        // Stalls end here, as a black-holed S3 connection ends at the SDK's request timeout.
        "--object-request-timeout-ms",
        "3000",
      ]);
      await createTopic(bootstrapOf(slots)[0]!, "store-faults", 4);
      const load = await startRecordedLoad({
        bootstrap: bootstrapOf(slots),
        topic: "store-faults",
        partitions: 4,
        producers: 2,
        group: "store-faults-group",
      });
      await sleep(LOAD_MS);
      const failures = await objectRequestFailures(slots);
      await load.finish();
      await judge("object-store-errors", load, null);
      console.log(`[fault scenario] object-store-errors: ${failures} object requests failed`);
      expect(failures).toBeGreaterThan(10);
    },
    TIMEOUT,
  );

  it(
    "agent SIGKILL every 3 s among three agents: nothing acknowledged is lost",
    async () => {
      const { slots, start } = await startAgents(db.url, "kill-loop");
      await createTopic(bootstrapOf(slots)[0]!, "kill-loop", 4);
      const load = await startRecordedLoad({
        bootstrap: bootstrapOf(slots),
        topic: "kill-loop",
        partitions: 4,
        producers: 2,
        group: "kill-loop-group",
      });
      const ends = Date.now() + LOAD_MS;
      for (let i = 1; Date.now() < ends; i++) {
        await sleep(3000);
        await agents[i % 3]!.kill("SIGKILL");
        await start(i % 3);
      }
      await load.finish();
      await judge("agent-sigkill-loop", load, longestAckGap(load.ackTimes, 1000));
    },
    TIMEOUT,
  );

  it(
    "Postgres stopped and started mid-load: agents reconnect by themselves, nothing is lost",
    async () => {
      const root = await mkdtemp(path.join(tmpdir(), "streambed-pg-restart-"));
      await chmod(root, 0o755);
      const port = await freePort();
      const options = { dataDir: path.join(root, "data"), port, database: "postgres" };
      let server: EmbeddedPostgres = await startEmbeddedPostgres(options);
      const restartDb = await createTestDatabase(server.adminUrl);
      try {
        const { slots } = await startAgents(restartDb.url, "pg-restart");
        await createTopic(bootstrapOf(slots)[0]!, "pg-restart", 4);
        const load = await startRecordedLoad({
          bootstrap: bootstrapOf(slots),
          topic: "pg-restart",
          partitions: 4,
          producers: 2,
          group: "pg-restart-group",
        });
        await sleep(LOAD_MS / 3);
        await restartDb.pool.end(); // the test's own pool would otherwise hold dead connections
        await server.stop();
        await sleep(3000);
        server = await startEmbeddedPostgres(options);
        const restartedAt = load.history.now();
        await expect
          .poll(() => load.ackTimes.filter((t) => t > restartedAt).length, { timeout: 30_000 })
          .toBeGreaterThan(0);
        const firstAck = load.ackTimes.find((t) => t > restartedAt)!;
        await sleep((LOAD_MS * 2) / 3);
        await load.finish();
        const recoveryMs = Math.round(firstAck - restartedAt);
        await judge("postgres-restart", load, recoveryMs);
        expect(recoveryMs).toBeLessThan(10_000);
      } finally {
        await Promise.all(agents.map((a) => a.kill("SIGKILL")));
        agents = [];
        await server.stop();
        await rm(root, { recursive: true, force: true });
      }
    },
    TIMEOUT,
  );

  it(
    "one agent black-holed from Postgres, then healed: it recovers by itself, nothing is lost",
    async () => {
      const target = new URL(db.url);
      const proxy = await startTcpProxy({ host: target.hostname, port: Number(target.port) });
      const proxied = new URL(db.url);
      proxied.hostname = "127.0.0.1";
      proxied.port = String(proxy.port);
      try {
        const { slots } = await startAgents(
          (i) => (i === 0 ? proxied.href : db.url),
          "pg-partition",
        );
        await createTopic(bootstrapOf(slots)[1]!, "pg-partition", 4);
        const load = await startRecordedLoad({
          bootstrap: bootstrapOf(slots),
          topic: "pg-partition",
          partitions: 4,
          producers: 2,
          group: "pg-partition-group",
        });
        await sleep(LOAD_MS / 3);
        proxy.blackhole();
        const partitionedAt = load.history.now();
        // The partition is real: the cut-off agent's health check fails.
        await expect.poll(() => healthy(slots[0]!.httpPort), { timeout: 30_000 }).toBe(false);
        await sleep(soak ? 30_000 : 5_000);
        proxy.heal();
        const healedAt = performance.now();
        await expect
          .poll(() => healthy(slots[0]!.httpPort), { timeout: 60_000, interval: 200 })
          .toBe(true);
        const recoveryMs = Math.round(performance.now() - healedAt);
        const ackGapMs = await firstAckAfter(load, partitionedAt);
        await sleep(LOAD_MS / 3);
        await load.finish();
        await judge("postgres-partition", load, recoveryMs);
        console.log(
          `[fault scenario] postgres-partition: agent healthy ${recoveryMs} ms after the heal; ` +
            `first acknowledgement ${ackGapMs} ms after the partition began (other agents took over)`,
        );
        expect(recoveryMs).toBeLessThan(30_000);
      } finally {
        await proxy.close();
      }
    },
    TIMEOUT + 60_000,
  );

  it(
    "every agent SIGKILLed at once mid-load and restarted on the same data: nothing is lost",
    async () => {
      const { slots, start } = await startAgents(db.url, "platform-kill");
      await createTopic(bootstrapOf(slots)[0]!, "platform-kill", 4);
      const load = await startRecordedLoad({
        bootstrap: bootstrapOf(slots),
        topic: "platform-kill",
        partitions: 4,
        producers: 2,
        group: "platform-kill-group",
      });
      const rounds = soak ? 4 : 1;
      const recoveries: number[] = [];
      const restarts: number[] = [];
      for (let round = 0; round < rounds; round++) {
        await sleep(LOAD_MS / (rounds + 1));
        await Promise.all(agents.map((a) => a.kill("SIGKILL")));
        const killedAt = load.history.now();
        for (let i = 0; i < slots.length; i++) await start(i);
        restarts.push(Math.round(load.history.now() - killedAt));
        recoveries.push(await firstAckAfter(load, killedAt));
      }
      await sleep(LOAD_MS / (rounds + 1));
      await load.finish();
      const recoveryMs = Math.max(...recoveries);
      await judge("platform-sigkill", load, recoveryMs);
      console.log(
        `[fault scenario] platform-sigkill: ${rounds} whole-platform kill(s); first acknowledgement ` +
          `after each kill: ${recoveries.join(", ")} ms, of which restarting the three agents ` +
          `(one after another) took ${restarts.join(", ")} ms`,
      );
    },
    TIMEOUT + 60_000,
  );
});
