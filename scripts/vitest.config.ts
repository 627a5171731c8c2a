import { resolve } from "node:path";
import { defineConfig } from "vitest/config";

// The launcher's own tests: each starts the real `npm start` entry point on a temp data dir.
export default defineConfig({
  root: resolve(import.meta.dirname, ".."),
  test: {
    include: ["scripts/test/**/*.test.ts"],
    testTimeout: 240_000,
    hookTimeout: 900_000,
    fileParallelism: false,
  },
});
