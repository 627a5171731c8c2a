import { writeFile, mkdir } from "node:fs/promises";
import path from "node:path";
import { afterAll, afterEach, beforeAll, expect, inject } from "vitest";
import { createTestDatabase, type TestDatabase } from "@streambed/db/testing";
import { checkHistory, summarizeReport, type CheckReport } from "@streambed/checker";
import { startS3Server, type S3TestServer } from "../storage/s3-server.ts";
import { startChildAgent, type ChildAgent } from "../support/test-agents.ts";
import { createTopic } from "../support/kafkajs-admin.ts";
import { startRecordedLoad, type RunningLoad } from "./recorded-load.ts";
import net from "node:net";

/**
 * Fault scenarios against real agents (child processes), real Postgres and the S3-API server,
 * under produce + consume + group load from KafkaJS, each judged by the history checker.
 * Short by default; STREAMBED_FAULTS_SOAK=1 runs each for two minutes.
 */
export const soak = process.env.STREAMBED_FAULTS_SOAK === "1";
export const LOAD_MS = soak ? 120_000 : 12_000;
export const TIMEOUT = LOAD_MS + 90_000;
const reportDir = path.resolve(import.meta.dirname, "../../.fault-reports");

let s3: S3TestServer;
export let agents: ChildAgent[] = [];

/**
 * What every scenario file shares: the S3-API server, its own database (whose URL the returned
 * object gives once the file's hooks ran) and the clean-up of its agents. Call once at the top
 * level of the file: one scenario per file, so each runs in a fresh worker and clients a previous
 * scenario left behind cannot disturb it.
 */
export function useFaultScenarioHooks(): { readonly url: string } {
  let db: TestDatabase | undefined;
  beforeAll(async () => {
    s3 = await startS3Server();
    process.env.AWS_ACCESS_KEY_ID = s3.credentials.accessKeyId;
    process.env.AWS_SECRET_ACCESS_KEY = s3.credentials.secretAccessKey;
    await mkdir(reportDir, { recursive: true });
    db = await createTestDatabase(inject("postgresAdminUrl"));
  });

  afterEach(killAgents);

  afterAll(async () => {
    await db?.drop();
    await s3?.stop();
  });

  return {
    get url() {
      return db!.url;
    },
  };
}

/** SIGKILLs every agent the running scenario started. */
export async function killAgents(): Promise<void> {
  await Promise.all(agents.map((a) => a.kill("SIGKILL")));
  agents = [];
}

export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export interface AgentSlot {
  kafkaPort: number;
  httpPort: number;
}

export async function startAgents(
  /** One URL for all, or each agent's (to put one behind a proxy). */
  databaseUrl: string | ((agent: number) => string),
  clusterId: string,
  extra: string[] = [],
  options: {
    /** Instead of the S3-API server's bucket of the cluster. */
    bucketUrl?: string;
    /** Each agent's additions to the environment. */
    env?: (agent: number) => NodeJS.ProcessEnv;
  } = {},
): Promise<{ slots: AgentSlot[]; start: (i: number) => Promise<ChildAgent> }> {
  const slots: AgentSlot[] = [];
  for (let i = 0; i < 3; i++)
    slots.push({ kafkaPort: await freePort(), httpPort: await freePort() });
  const start = async (i: number) => {
    const agent = await startChildAgent({
      databaseUrl: typeof databaseUrl === "string" ? databaseUrl : databaseUrl(i),
      bucketUrl: options.bucketUrl ?? s3.bucketUrl(clusterId),
      clusterId,
      env: options.env?.(i),
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

export const bootstrapOf = (slots: AgentSlot[]) => slots.map((s) => `127.0.0.1:${s.kafkaPort}`);

/**
 * Three agents (startAgents), a topic `name` of 4 partitions created through agent `adminAgent`,
 * and the recorded load on it (2 producers, group `<name>-group`): how every scenario begins.
 */
export async function startScenario(
  databaseUrl: Parameters<typeof startAgents>[0],
  name: string,
  extra: string[] = [],
  options: Parameters<typeof startAgents>[3] & { adminAgent?: number } = {},
) {
  const { slots, start } = await startAgents(databaseUrl, name, extra, options);
  const bootstrap = bootstrapOf(slots);
  await createTopic(bootstrap[options.adminAgent ?? 0]!, name, 4);
  const load = await startRecordedLoad({
    bootstrap,
    topic: name,
    partitions: 4,
    producers: 2,
    group: `${name}-group`,
  });
  return { slots, start, bootstrap, load };
}

/** Judges the run, keeps its JSON report, prints its figures and asserts nothing was lost. */
export async function judge(
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
export async function objectRequestFailures(slots: AgentSlot[]): Promise<number> {
  let total = 0;
  for (const { httpPort } of slots) {
    const text = await (await fetch(`http://127.0.0.1:${httpPort}/metrics`)).text();
    total += Number(/^streambed_object_request_failures_total (\d+)/m.exec(text)?.[1] ?? 0);
  }
  return total;
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Whether the agent's /healthz says it reaches the metadata store. */
export async function healthy(httpPort: number): Promise<boolean> {
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
export async function firstAckAfter(load: RunningLoad, from: number): Promise<number> {
  await expect
    .poll(() => load.ackTimes.some((t) => t > from), { timeout: 60_000, interval: 100 })
    .toBe(true);
  return Math.round(load.ackTimes.find((t) => t > from)! - from);
}
