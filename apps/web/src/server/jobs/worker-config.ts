import { z } from "zod";

/** The job worker's configuration, parsed once from the environment at start. */
const schema = z.object({
  databaseUrl: z.string({ error: "DATABASE_URL is required" }).min(1, "DATABASE_URL is required"),
  metricsPort: z.coerce.number().int().min(0).max(65535).optional(),
  logLevel: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
});

export type WorkerConfig = z.infer<typeof schema>;

export function parseWorkerConfig(env: NodeJS.ProcessEnv): WorkerConfig {
  const empty = (v: string | undefined) => (v === "" ? undefined : v);
  return schema.parse({
    databaseUrl: empty(env.DATABASE_URL),
    metricsPort: empty(env.STREAMBED_WORKER_METRICS_PORT),
    logLevel: empty(env.LOG_LEVEL),
  });
}
