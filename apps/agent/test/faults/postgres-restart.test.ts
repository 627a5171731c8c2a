import { describe, expect, it } from "vitest";
import { mkdtemp, rm, chmod } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { startEmbeddedPostgres, type EmbeddedPostgres } from "@streambed/db/embedded";
import { createTestDatabase } from "@streambed/db/testing";
import {
  LOAD_MS,
  TIMEOUT,
  killAgents,
  freePort,
  judge,
  sleep,
  useFaultScenarioHooks,
  startScenario,
} from "./scenario-support.ts";

// This scenario runs its own Postgres (to stop it); the shared database goes unused.
useFaultScenarioHooks();

describe("fault scenario", () => {
  it(
    "Postgres stopped and started mid-load: agents reconnect by themselves, nothing is lost",
    async () => {
      const root = await mkdtemp(path.join(tmpdir(), "streambed-pg-restart-"));
      await chmod(root, 0o755);
      const port = await freePort();
      const options = { dataDir: path.join(root, "data"), port, database: "postgres" };
      let server: EmbeddedPostgres = await startEmbeddedPostgres(options);
      const restartDb = await createTestDatabase(server.adminUrl);
      try {
        const { load } = await startScenario(restartDb.url, "pg-restart");
        await sleep(LOAD_MS / 3);
        await restartDb.pool.end(); // the test's own pool would otherwise hold dead connections
        await server.stop();
        await sleep(3000);
        server = await startEmbeddedPostgres(options);
        const restartedAt = load.history.now();
        await expect
          .poll(() => load.ackTimes.filter((t) => t > restartedAt).length, { timeout: 30_000 })
          .toBeGreaterThan(0);
        const firstAck = load.ackTimes.find((t) => t > restartedAt)!;
        await sleep((LOAD_MS * 2) / 3);
        await load.finish();
        const recoveryMs = Math.round(firstAck - restartedAt);
        await judge("postgres-restart", load, recoveryMs);
        expect(recoveryMs).toBeLessThan(10_000);
      } finally {
        await killAgents();
        await server.stop();
        await rm(root, { recursive: true, force: true });
      }
    },
    TIMEOUT,
  );
});
