import { randomBytes } from "node:crypto";
import { createServer } from "node:net";
import { join } from "node:path";
import { spawnChild, type Child } from "./children.ts";
import type { PlatformConfig } from "./config.ts";
import { waitForHttp } from "./wait.ts";

export interface Billing {
  /** Environment for the console: where Stripe is and how webhooks are signed. */
  env: Record<string, string>;
  /** The Stripe test double's process, when one runs. */
  child: Child | null;
  description: string;
}

async function freePort(): Promise<number> {
  const probe = createServer().listen(0, "127.0.0.1");
  await new Promise((r) => probe.once("listening", r));
  const { port } = probe.address() as { port: number };
  await new Promise((r) => probe.close(r));
  return port;
}

/**
 * Billing runs against the repository's Stripe test double (its own child process) unless
 * STRIPE_SECRET_KEY is set, in which case the console talks to Stripe with the given keys.
 */
export async function startBilling(
  config: PlatformConfig,
  webUrl: string,
  logDir: string,
): Promise<Billing> {
  if (config.stripeSecretKey)
    return { env: {}, child: null, description: "Stripe (STRIPE_SECRET_KEY)" };
  const port = config.stripeDoublePort ?? (await freePort());
  const webhookSecret = `whsec_${randomBytes(24).toString("hex")}`;
  const child = spawnChild(
    "stripe-double",
    process.execPath,
    ["--import", "tsx", join(config.repoRoot, "apps/web/src/server/billing/stripe-double/main.ts")],
    {
      cwd: join(config.repoRoot, "apps/web"),
      logDir,
      env: {
        ...process.env,
        STRIPE_DOUBLE_PORT: String(port),
        STRIPE_DOUBLE_WEBHOOK_URL: `${webUrl}/api/stripe/webhook`,
        STRIPE_WEBHOOK_SECRET: webhookSecret,
      },
    },
  );
  const url = `http://127.0.0.1:${port}`;
  await waitForHttp(`${url}/healthz`, child);
  return {
    env: {
      STRIPE_SECRET_KEY: "sk_test_streambed_local",
      STRIPE_WEBHOOK_SECRET: webhookSecret,
      STRIPE_API_URL: url,
    },
    child,
    description: `Stripe test double at ${url} (test mode)`,
  };
}
