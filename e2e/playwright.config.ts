import { chmodSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { defineConfig } from "@playwright/test";
import { e2ePorts } from "./platform/ports.ts";

// Workers re-evaluate this file; the data dir chosen by the main process reaches them through env.
if (!process.env.STREAMBED_E2E_DATA_DIR) {
  const dir = mkdtempSync(join(tmpdir(), "streambed-e2e-"));
  // Embedded Postgres runs as the `postgres` user when we are root: it must be able to enter.
  chmodSync(dir, 0o755);
  process.env.STREAMBED_E2E_DATA_DIR = dir;
  // The platform (and its Postgres) is stopped by then: the run leaves nothing behind.
  process.on("exit", () => rmSync(dir, { recursive: true, force: true }));
}
const dataDir = process.env.STREAMBED_E2E_DATA_DIR;
const repoRoot = resolve(import.meta.dirname, "..");

export default defineConfig({
  testDir: ".",
  testMatch: ["platform/**/*.spec.ts", "console/**/*.spec.ts"],
  outputDir: "test-results",
  timeout: 60_000,
  fullyParallel: false,
  workers: 1,
  reporter: [["list"]],
  use: {
    baseURL: `http://localhost:${e2ePorts.web}`,
    screenshot: "only-on-failure",
    trace: "retain-on-failure",
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--disable-quic",
      ],
    },
  },
  webServer: {
    command: "npm start",
    cwd: repoRoot,
    url: `http://localhost:${e2ePorts.web}/api/health`,
    timeout: 600_000,
    reuseExistingServer: false,
    stdout: "pipe",
    stderr: "pipe",
    gracefulShutdown: { signal: "SIGTERM", timeout: 20_000 },
    env: {
      STREAMBED_DATA_DIR: dataDir,
      STREAMBED_WEB_PORT: String(e2ePorts.web),
      STREAMBED_KAFKA_PORT: String(e2ePorts.kafka),
      STREAMBED_AGENT_HTTP_PORT: String(e2ePorts.agentHttp),
      // Usage shows up within seconds instead of a minute.
      STREAMBED_USAGE_WINDOW_MS: "5000",
      // The console on every interface: sign-up is tried at a non-loopback address too.
      STREAMBED_WEB_HOST: "0.0.0.0",
    },
  },
});
