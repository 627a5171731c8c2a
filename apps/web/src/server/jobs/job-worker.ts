import http from "node:http";
import type { AddressInfo } from "node:net";
import type { PrismaClient } from "@streambed/db";
import PgBoss from "pg-boss";
import type { Logger } from "pino";
import type { JobDefinition } from "./job-definition.ts";
import { WorkerMetrics } from "./worker-metrics.ts";

export interface JobWorkerOptions {
  databaseUrl: string;
  prisma: PrismaClient;
  jobs: readonly JobDefinition[];
  log: Logger;
  /** Port of /metrics and /healthz; undefined = not served. 0 = any free port. */
  metricsPort?: number;
  clock?: () => Date;
}

export interface JobWorker {
  metrics: WorkerMetrics;
  metricsPort: number | undefined;
  /** Runs one job now, as a scheduled run would (tests, manual runs). */
  runNow(name: string, now?: Date): Promise<void>;
  /** Stops taking jobs, lets running ones finish (bounded), closes pg-boss and the metrics port. */
  stop(): Promise<void>;
}

/** pg-boss keeps its queues in its own schema of the platform database. */
const PG_BOSS_SCHEMA = "pgboss";

/** Starts pg-boss, schedules every job of the registry (UTC cron) and works their queues. */
export async function startJobWorker(options: JobWorkerOptions): Promise<JobWorker> {
  const { prisma, log } = options;
  const clock = options.clock ?? (() => new Date());
  const metrics = new WorkerMetrics();
  const boss = new PgBoss({ connectionString: options.databaseUrl, schema: PG_BOSS_SCHEMA });
  boss.on("error", (err) => log.error({ err }, "job runner error"));
  await boss.start();

  const byName = new Map(options.jobs.map((job) => [job.name, job]));
  const run = async (job: JobDefinition, now: Date) => {
    const timer = metrics.jobDuration.startTimer({ job: job.name });
    try {
      await job.run({ prisma, now, log: log.child({ job: job.name }), metrics });
      metrics.jobRuns.inc({ job: job.name, result: "ok" });
    } catch (err) {
      metrics.jobRuns.inc({ job: job.name, result: "failed" });
      log.error({ err, job: job.name }, "job failed");
      throw err;
    } finally {
      timer();
    }
  };
  for (const job of options.jobs) {
    await boss.createQueue(job.name);
    await boss.schedule(job.name, job.cron, {}, { tz: "UTC" });
    await boss.work(job.name, async () => run(job, clock()));
  }

  const server =
    options.metricsPort === undefined
      ? undefined
      : await serveMetrics(metrics, options.metricsPort);
  log.info(
    { jobs: options.jobs.map((j) => j.name), metricsPort: server?.port },
    "job worker started",
  );
  return {
    metrics,
    metricsPort: server?.port,
    runNow(name, now = clock()) {
      const job = byName.get(name);
      if (!job) return Promise.reject(new Error(`no job named ${name}`));
      return run(job, now);
    },
    async stop() {
      await boss.stop({ graceful: true, wait: true, timeout: 20_000 });
      await server?.close();
      log.info("job worker stopped");
    },
  };
}

async function serveMetrics(
  metrics: WorkerMetrics,
  port: number,
): Promise<{ port: number; close(): Promise<void> }> {
  const server = http.createServer((req, res) => {
    if (req.url === "/metrics") {
      void metrics.registry.metrics().then((text) => {
        res.writeHead(200, { "content-type": metrics.registry.contentType });
        res.end(text);
      });
      return;
    }
    res.writeHead(req.url === "/healthz" ? 200 : 404, { "content-type": "application/json" });
    res.end(JSON.stringify({ ok: req.url === "/healthz" }));
  });
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  return {
    port: (server.address() as AddressInfo).port,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
