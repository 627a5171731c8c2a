/**
 * The control plane's job worker: `node --import tsx src/server/jobs/worker.ts` (npm start runs
 * it beside the console). Runs every job of the registry on pg-boss; SIGTERM or SIGINT stops it
 * after the jobs under way finish.
 */
import { createPrismaClient } from "@streambed/db";
import { pino } from "pino";
import { startJobWorker } from "./job-worker.ts";
import { jobRegistry } from "./registry.ts";
import { parseWorkerConfig } from "./worker-config.ts";

const config = parseWorkerConfig(process.env);
const log = pino({ name: "streambed-worker", level: config.logLevel });
const prisma = createPrismaClient(config.databaseUrl);
const started = startJobWorker({
  databaseUrl: config.databaseUrl,
  prisma,
  jobs: jobRegistry,
  log,
  metricsPort: config.metricsPort,
}).catch((err: unknown) => {
  log.fatal({ err }, "job worker failed to start");
  process.exit(1);
});

// Registered before the worker is up: a signal during start still stops it cleanly.
let stopping = false;
for (const signal of ["SIGTERM", "SIGINT"] as const) {
  process.on(signal, () => {
    if (stopping) process.exit(1);
    stopping = true;
    log.info({ signal }, "stopping");
    started
      .then((worker) => worker.stop())
      .then(() => prisma.$disconnect())
      .then(
        () => process.exit(0),
        (err: unknown) => {
          log.error({ err }, "stop failed");
          process.exit(1);
        },
      );
  });
}
