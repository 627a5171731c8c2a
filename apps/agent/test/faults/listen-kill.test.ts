import pg from "pg";
import { describe, expect, it } from "vitest";
import {
  LOAD_MS,
  TIMEOUT,
  judge,
  sleep,
  useFaultScenarioHooks,
  startScenario,
} from "./scenario-support.ts";

const db = useFaultScenarioHooks();

describe("fault scenario", () => {
  it(
    "every agent's LISTEN connection killed every 2 s: consumers keep receiving, nothing is lost",
    async () => {
      const { load } = await startScenario(db.url, "listen-kill");
      const admin = new pg.Client({ connectionString: db.url });
      await admin.connect();
      let killed = 0;
      let lastKillAt = 0;
      try {
        const ends = Date.now() + (LOAD_MS * 2) / 3;
        while (Date.now() < ends) {
          await sleep(2000);
          const { rowCount } = await admin.query(
            `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
             WHERE datname = current_database() AND query ILIKE 'LISTEN %' AND pid <> pg_backend_pid()`,
          );
          killed += rowCount ?? 0;
          lastKillAt = load.history.now();
        }
      } finally {
        await admin.end();
      }
      await sleep(LOAD_MS / 3);
      await load.finish();
      // Delivery after the last kill: the first record acknowledged after it, read by the group.
      const ackedAfter = new Set(
        load.history.events
          .filter((e) => e.type === "ack" && e.time > lastKillAt)
          .map((e) => (e as { value: string }).value),
      );
      const firstDelivery = load.history.events.find(
        (e) =>
          e.type === "read" &&
          e.consumer !== "final-read" &&
          ackedAfter.has((e as { value: string }).value),
      );
      const deliveryMs = firstDelivery ? Math.round(firstDelivery.time - lastKillAt) : null;
      await judge("listen-kill", load, deliveryMs);
      console.log(`[fault scenario] listen-kill: ${killed} LISTEN connections killed`);
      // Three agents each listen on at least the partition-head channel, every round.
      expect(killed).toBeGreaterThanOrEqual(3 * Math.floor((LOAD_MS * 2) / 3 / 2000) - 3);
      expect(deliveryMs).not.toBeNull();
      expect(deliveryMs!).toBeLessThan(10_000);
    },
    TIMEOUT,
  );
});
