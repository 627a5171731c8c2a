import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["src/**/*.test.ts", "test/**/*.test.ts"],
    // One embedded Postgres for the run; every test file gets its own database on it.
    globalSetup: ["./test/global-setup.ts"],
    testTimeout: 30_000,
    // Most files wait on real clients, agents and timers rather than compute: two at a time
    // (Vitest's default is one on a two-core machine) cuts the suite's wall time.
    maxWorkers: 2,
    hookTimeout: 60_000,
  },
});
