import { spawn } from "node:child_process";
import { join } from "node:path";
import type { PlatformConfig } from "./config.ts";
import type { PlatformSecrets } from "./secrets.ts";

export interface DemoSeed {
  userId: string;
  organizationId: string;
  clusterId: string;
  saslUsername: string;
}

/**
 * Runs the console's own seed script, so the demo user's password is hashed by the auth library
 * and the SASL credential by the same code the console uses. Idempotent.
 */
export async function seedDemo(
  config: PlatformConfig,
  databaseUrl: string,
  secrets: PlatformSecrets,
): Promise<DemoSeed> {
  const child = spawn("npx", ["tsx", "scripts/seed-demo.ts"], {
    cwd: join(config.repoRoot, "apps/web"),
    stdio: ["ignore", "pipe", "inherit"],
    env: {
      ...process.env,
      DATABASE_URL: databaseUrl,
      BETTER_AUTH_SECRET: secrets.authSecret,
      STREAMBED_DEMO_EMAIL: secrets.demoEmail,
      STREAMBED_DEMO_PASSWORD: secrets.demoPassword,
      STREAMBED_DEMO_SASL_USERNAME: secrets.saslUsername,
      STREAMBED_DEMO_SASL_PASSWORD: secrets.saslPassword,
      STREAMBED_DEMO_API_KEY: secrets.apiKey,
    },
  });
  let stdout = "";
  child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => child.on("exit", resolve));
  if (code !== 0) throw new Error(`demo seed failed with code ${code}`);
  const line = stdout.trim().split("\n").at(-1) ?? "";
  return JSON.parse(line) as DemoSeed;
}
