/**
 * `npm start`: the whole platform on embedded defaults (or on DATABASE_URL / STREAMBED_BUCKET_URL
 * when given): build, Postgres, migrations, demo seed, console, agents, banner.
 */
import { spawn, spawnSync } from "node:child_process";
import { mkdirSync, openSync } from "node:fs";
import { createRequire } from "node:module";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { readPlatformConfig } from "./platform/config.ts";
import {
  onChildrenChange,
  runningChildren,
  spawnChild,
  stopChild,
  type Child,
} from "./platform/children.ts";
import { launcherAncestors, watchAncestors } from "./platform/ancestors.ts";
import {
  clearLeftovers,
  pidFilePath,
  recorded,
  removePlatformRecord,
  writePlatformRecord,
} from "./platform/pid-file.ts";
import { assertPortsFree } from "./platform/port-check.ts";
import { SupervisedChild } from "./platform/supervisor.ts";
import { describeStoreFaults } from "../apps/agent/src/storage/store-faults.ts";
import { loadOrCreateSecrets } from "./platform/secrets.ts";
import { waitForHttp } from "./platform/wait.ts";
import { printBanner } from "./platform/banner.ts";
import { seedDemo } from "./platform/seed.ts";
import { startBilling } from "./platform/stripe.ts";

const repoRoot = resolve(fileURLToPath(import.meta.url), "../..");
const startedAt = Date.now();
const step = (what: string) =>
  console.log(`[streambed] ${what} (${((Date.now() - startedAt) / 1000).toFixed(1)} s)`);
const say = (line: string) => console.log(`[streambed] ${line}`);

const config = readPlatformConfig(process.env, repoRoot);
mkdirSync(config.dataDir, { recursive: true });
const logDir = join(config.dataDir, "logs");
const pidFile = pidFilePath(config.dataDir);
const children: Child[] = [];
const agents: SupervisedChild[] = [];
let stopDatabase: () => Promise<void> = async () => {};
let stopping = false;
let recording = false;

async function shutdown(code: number): Promise<never> {
  if (!stopping) {
    stopping = true;
    console.log("[streambed] stopping…");
    // Agents first so they can flush and deregister while the database is still up.
    await Promise.all(agents.map((a) => a.stop()));
    for (const child of [...children].reverse()) await stopChild(child);
    await stopDatabase();
    // Only a launcher that started cleans up: a refused start must not drop another's record.
    if (recording) removePlatformRecord(pidFile);
  }
  process.exit(code);
}
for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const)
  process.on(signal, () => void shutdown(0));
// Killed npm (kill -9, OOM killer) leaves us running under its waiting shell: stop with it.
watchAncestors(launcherAncestors(process.env), (gone) => {
  // Already stopping (npm may exit before us after forwarding Ctrl-C): let that finish.
  if (stopping) return;
  say(`${gone.name} (pid ${gone.pid}) is gone`);
  void shutdown(1);
});

/** The pid file the reaper and the next start read; rewritten as children come and go. */
function recordProcesses(): void {
  writePlatformRecord(pidFile, {
    launcher: recorded("launcher", process.pid),
    postgresDataDir: config.databaseUrl ? null : join(config.dataDir, "postgres"),
    children: runningChildren().map((c) => recorded(c.name, c.pid)),
  });
}

/**
 * A process of its own that stops everything recorded in the pid file once our end of its stdin
 * pipe closes, that is once we are gone, even by kill -9.
 */
function startReaper(): void {
  mkdirSync(logDir, { recursive: true });
  const log = openSync(join(logDir, "reaper.log"), "a");
  const reaper = spawn(
    process.execPath,
    ["--import", "tsx", join(repoRoot, "scripts/platform/reaper.ts"), pidFile, String(process.pid)],
    { cwd: repoRoot, detached: true, stdio: ["pipe", log, log] },
  );
  reaper.unref();
}

try {
  await clearLeftovers(config.dataDir, say);
  const agentPorts = Array.from({ length: config.agents }, (_, i) => [
    {
      port: config.kafkaPort + i,
      host: "127.0.0.1",
      what: `agent-${i} Kafka, STREAMBED_KAFKA_PORT`,
    },
    {
      port: config.agentHttpPort + i,
      host: "127.0.0.1",
      what: `agent-${i} HTTP, STREAMBED_AGENT_HTTP_PORT`,
    },
  ]).flat();
  await assertPortsFree([
    { port: config.webPort, host: config.webHost, what: "console, STREAMBED_WEB_PORT" },
    {
      port: config.workerMetricsPort,
      host: "127.0.0.1",
      what: "job worker, STREAMBED_WORKER_METRICS_PORT",
    },
    ...agentPorts,
  ]);
  recording = true;
  recordProcesses();
  onChildrenChange(recordProcesses);
  startReaper();

  if (config.storeFaults)
    say(`injecting object store faults: ${describeStoreFaults(config.storeFaults.faults)}`);
  step("building");
  const build = spawnSync("npx", ["turbo", "run", "build", "--output-logs=errors-only"], {
    cwd: repoRoot,
    stdio: "inherit",
    env: { ...process.env, TURBO_TELEMETRY_DISABLED: "1", NEXT_TELEMETRY_DISABLED: "1" },
  });
  if (build.status !== 0) throw new Error("build failed");

  step("starting the database");
  // Loaded only now: the database package needs the Prisma client the build just generated.
  const { startDatabase } = await import("./platform/database.ts");
  const database = await startDatabase(config);
  stopDatabase = database.stop;

  const secrets = loadOrCreateSecrets(config.dataDir);
  step("seeding the demo organization");
  const demo = await seedDemo(config, database.url, secrets);

  const bootstrap = Array.from(
    { length: config.agents },
    (_, i) => `${config.advertisedHost}:${config.kafkaPort + i}`,
  ).join(",");
  const baseEnv = {
    ...process.env,
    DATABASE_URL: database.url,
    NEXT_TELEMETRY_DISABLED: "1",
    NODE_ENV: "production",
  };

  const webUrl = `http://localhost:${config.webPort}`;
  step("starting billing");
  const billing = await startBilling(config, webUrl, logDir);
  if (billing.child) children.push(billing.child);

  step("starting the console and agents");
  // `next start` serves in its own process when run directly (npx would add a layer to stop).
  const nextBin = createRequire(join(repoRoot, "apps/web/package.json")).resolve(
    "next/dist/bin/next",
  );
  const web = spawnChild(
    "web",
    process.execPath,
    [nextBin, "start", "--port", String(config.webPort), "--hostname", config.webHost],
    {
      cwd: join(repoRoot, "apps/web"),
      logDir,
      env: {
        ...baseEnv,
        STREAMBED_BOOTSTRAP: bootstrap,
        BETTER_AUTH_SECRET: secrets.authSecret,
        ...billing.env,
      },
    },
  );
  children.push(web);

  // The job worker (metering and billing jobs on pg-boss) stops after the agents and before the
  // console. It bills through the same Stripe as the console.
  const workerHealth = `http://127.0.0.1:${config.workerMetricsPort}/healthz`;
  const worker = spawnChild(
    "worker",
    process.execPath,
    ["--import", "tsx", "src/server/jobs/worker.ts"],
    {
      cwd: join(repoRoot, "apps/web"),
      logDir,
      env: {
        ...baseEnv,
        ...billing.env,
        STREAMBED_WORKER_METRICS_PORT: String(config.workerMetricsPort),
      },
    },
  );
  children.push(worker);

  for (let i = 0; i < config.agents; i++) {
    const httpPort = config.agentHttpPort + i;
    const args = [
      join(repoRoot, "apps/agent/dist/main.js"),
      "--kafka-port",
      String(config.kafkaPort + i),
      "--http-port",
      String(httpPort),
      "--advertised-host",
      config.advertisedHost,
      "--bucket-url",
      config.bucketUrl,
      "--default-cluster-id",
      demo.clusterId,
      // Usage goes to the console's ingest endpoint; each agent keeps its own spool (and id).
      "--control-plane-url",
      `http://127.0.0.1:${config.webPort}`,
      "--usage-spool-dir",
      join(config.dataDir, "usage-spool", `agent-${i}`),
      "--usage-window-ms",
      String(config.usageWindowMs),
      ...(config.storeFaults ? ["--store-faults", config.storeFaults.text] : []),
    ];
    agents.push(
      new SupervisedChild({
        name: `agent-${i}`,
        spawn: () =>
          spawnChild(`agent-${i}`, process.execPath, args, { cwd: repoRoot, logDir, env: baseEnv }),
        healthUrl: `http://127.0.0.1:${httpPort}/healthz`,
        say,
      }),
    );
  }

  await Promise.all([
    waitForHttp(`${webUrl}/api/health`, web),
    waitForHttp(workerHealth, worker),
    ...agents.map((a) => a.ready()),
  ]);
  // A dead agent is restarted while the others serve; without the console, worker or Stripe
  // double the platform is not whole, so it stops.
  for (const agent of agents) agent.supervise();
  for (const child of children) {
    void child.exited.then((code) => {
      if (stopping) return;
      console.error(`[streambed] ${child.name} exited with code ${code}; see ${logDir}`);
      void shutdown(1);
    });
  }

  step("ready");
  printBanner({
    webUrl,
    demoEmail: secrets.demoEmail,
    demoPassword: secrets.demoPassword,
    bootstrap,
    saslUsername: secrets.saslUsername,
    saslPassword: secrets.saslPassword,
    apiKey: secrets.apiKey,
    agentHealth: agents.map((_, i) => `http://127.0.0.1:${config.agentHttpPort + i}/healthz`),
    logDir,
    billing: billing.description,
    storeFaults: config.storeFaults ? describeStoreFaults(config.storeFaults.faults) : null,
  });
} catch (err) {
  console.error(`[streambed] start failed: ${err instanceof Error ? err.message : String(err)}`);
  console.error(`[streambed] logs: ${logDir}`);
  await shutdown(1);
}
