/**
 * `npm start`: the whole platform on embedded defaults (or on DATABASE_URL / STREAMBED_BUCKET_URL
 * when given): build, Postgres, migrations, demo seed, console, agents, banner.
 */
import { spawnSync } from "node:child_process";
import { mkdirSync } from "node:fs";
import { createRequire } from "node:module";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { readPlatformConfig } from "./platform/config.ts";
import { spawnChild, stopChild, type Child } from "./platform/children.ts";
import { loadOrCreateSecrets } from "./platform/secrets.ts";
import { waitForHttp } from "./platform/wait.ts";
import { printBanner } from "./platform/banner.ts";
import { seedDemo } from "./platform/seed.ts";
import { startBilling } from "./platform/stripe.ts";

const repoRoot = resolve(fileURLToPath(import.meta.url), "../..");
const startedAt = Date.now();
const step = (what: string) =>
  console.log(`[streambed] ${what} (${((Date.now() - startedAt) / 1000).toFixed(1)} s)`);

const config = readPlatformConfig(process.env, repoRoot);
mkdirSync(config.dataDir, { recursive: true });
const logDir = join(config.dataDir, "logs");
const children: Child[] = [];
let stopDatabase: () => Promise<void> = async () => {};
let stopping = false;

async function shutdown(code: number): Promise<never> {
  if (!stopping) {
    stopping = true;
    console.log("[streambed] stopping…");
    // Agents first so they can flush and deregister while the database is still up.
    for (const child of [...children].reverse()) await stopChild(child);
    await stopDatabase();
  }
  process.exit(code);
}
process.on("SIGINT", () => void shutdown(0));
process.on("SIGTERM", () => void shutdown(0));

try {
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
    [nextBin, "start", "--port", String(config.webPort), "--hostname", "0.0.0.0"],
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

  const agents: { child: Child; httpPort: number }[] = [];
  for (let i = 0; i < config.agents; i++) {
    const httpPort = config.agentHttpPort + i;
    const child = spawnChild(
      `agent-${i}`,
      process.execPath,
      [
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
      ],
      { cwd: repoRoot, logDir, env: baseEnv },
    );
    children.push(child);
    agents.push({ child, httpPort });
  }

  await Promise.all([
    waitForHttp(`${webUrl}/api/health`, web),
    waitForHttp(workerHealth, worker),
    ...agents.map((a) => waitForHttp(`http://127.0.0.1:${a.httpPort}/healthz`, a.child)),
  ]);
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
    agentHealth: agents.map((a) => `http://127.0.0.1:${a.httpPort}/healthz`),
    logDir,
    billing: billing.description,
  });
} catch (err) {
  console.error(`[streambed] start failed: ${err instanceof Error ? err.message : String(err)}`);
  console.error(`[streambed] logs: ${logDir}`);
  await shutdown(1);
}
