import type { PrismaClient } from "@streambed/db";
import type { Logger } from "pino";
import type { WorkerMetrics } from "./worker-metrics.ts";

export interface JobContext {
  prisma: PrismaClient;
  /** The time the job acts for: the worker's clock (tests pass their own). */
  now: Date;
  log: Logger;
  metrics: WorkerMetrics;
}

/** A recurring job of the control plane's worker: a pg-boss queue fed by a cron schedule (UTC). */
export interface JobDefinition {
  /** The pg-boss queue name. */
  name: string;
  description: string;
  /** 5-field cron expression, UTC. */
  cron: string;
  run(context: JobContext): Promise<void>;
}
