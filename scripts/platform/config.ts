import { resolve } from "node:path";
import { z } from "zod";
import { parseStoreFaults, type StoreFaults } from "../../apps/agent/src/storage/store-faults.ts";

const port = z.coerce.number().int().min(1).max(65535);

const schema = z.object({
  STREAMBED_DATA_DIR: z.string().default("./.data"),
  DATABASE_URL: z.string().url().optional(),
  STREAMBED_BUCKET_URL: z.string().optional(),
  STREAMBED_WEB_PORT: port.default(3000),
  STREAMBED_WEB_HOST: z.string().min(1).default("127.0.0.1"),
  STREAMBED_KAFKA_PORT: port.default(9092),
  STREAMBED_AGENT_HTTP_PORT: port.optional(),
  STREAMBED_AGENTS: z.coerce.number().int().min(1).max(16).default(1),
  STREAMBED_ADVERTISED_HOST: z.string().default("127.0.0.1"),
  STREAMBED_WORKER_METRICS_PORT: port.optional(),
  STREAMBED_USAGE_WINDOW_MS: z.coerce.number().int().min(1000).default(60_000),
  STREAMBED_STRIPE_DOUBLE_PORT: port.optional(),
  STRIPE_SECRET_KEY: z.string().optional(),
  // Parsed by the agent's own parser, so that a typo stops `npm start` before anything starts.
  STREAMBED_STORE_FAULTS: z
    .string()
    .optional()
    .transform((v, ctx) => {
      if (!v) return null;
      try {
        return { text: v, faults: parseStoreFaults(v) };
      } catch (err) {
        ctx.addIssue({ code: "custom", message: (err as Error).message });
        return z.NEVER;
      }
    }),
});

export interface PlatformConfig {
  repoRoot: string;
  dataDir: string;
  databaseUrl: string | undefined;
  bucketUrl: string;
  webPort: number;
  /** Address the console binds to: loopback like the agents unless exposed on purpose (0.0.0.0). */
  webHost: string;
  kafkaPort: number;
  /** Agent i listens for Kafka on kafkaPort + i and for HTTP on agentHttpPort + i (default: Kafka port + 1000). */
  agentHttpPort: number;
  agents: number;
  advertisedHost: string;
  /** The job worker's /metrics and /healthz (default: web port + 1). */
  workerMetricsPort: number;
  /** Length of the agents' usage windows (60 s; shorter ones make usage visible sooner). */
  usageWindowMs: number;
  /** Port of the local Stripe test double (a free one when unset). */
  stripeDoublePort: number | undefined;
  /** With a real Stripe key no double runs and the console bills through Stripe itself. */
  stripeSecretKey: string | undefined;
  /** Object store faults every agent injects (STREAMBED_STORE_FAULTS), null = none. */
  storeFaults: { text: string; faults: StoreFaults } | null;
}

export function readPlatformConfig(env: NodeJS.ProcessEnv, repoRoot: string): PlatformConfig {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`);
    throw new Error(`Invalid environment:\n${problems.join("\n")}`);
  }
  const e = parsed.data;
  const dataDir = resolve(repoRoot, e.STREAMBED_DATA_DIR);
  return {
    repoRoot,
    dataDir,
    databaseUrl: e.DATABASE_URL,
    bucketUrl: e.STREAMBED_BUCKET_URL ?? `file://${resolve(dataDir, "objects")}`,
    webPort: e.STREAMBED_WEB_PORT,
    webHost: e.STREAMBED_WEB_HOST,
    kafkaPort: e.STREAMBED_KAFKA_PORT,
    agentHttpPort: e.STREAMBED_AGENT_HTTP_PORT ?? e.STREAMBED_KAFKA_PORT + 1000,
    agents: e.STREAMBED_AGENTS,
    advertisedHost: e.STREAMBED_ADVERTISED_HOST,
    workerMetricsPort: e.STREAMBED_WORKER_METRICS_PORT ?? e.STREAMBED_WEB_PORT + 1,
    usageWindowMs: e.STREAMBED_USAGE_WINDOW_MS,
    stripeDoublePort: e.STREAMBED_STRIPE_DOUBLE_PORT,
    stripeSecretKey: e.STRIPE_SECRET_KEY || undefined,
    storeFaults: e.STREAMBED_STORE_FAULTS,
  };
}
