import { describe, expect, it } from "vitest";
import { startTcpProxy } from "./tcp-proxy.ts";
import {
  soak,
  LOAD_MS,
  TIMEOUT,
  judge,
  sleep,
  healthy,
  firstAckAfter,
  useFaultScenarioHooks,
  startScenario,
} from "./scenario-support.ts";

const db = useFaultScenarioHooks();

describe("fault scenario", () => {
  it(
    "one agent black-holed from Postgres, then healed: it recovers by itself, nothing is lost",
    async () => {
      const target = new URL(db.url);
      const proxy = await startTcpProxy({ host: target.hostname, port: Number(target.port) });
      const proxied = new URL(db.url);
      proxied.hostname = "127.0.0.1";
      proxied.port = String(proxy.port);
      try {
        const { slots, load } = await startScenario(
          (i) => (i === 0 ? proxied.href : db.url),
          "pg-partition",
          [],
          { adminAgent: 1 },
        );
        await sleep(LOAD_MS / 3);
        proxy.blackhole();
        const partitionedAt = load.history.now();
        // The partition is real: the cut-off agent's health check fails.
        await expect.poll(() => healthy(slots[0]!.httpPort), { timeout: 30_000 }).toBe(false);
        await sleep(soak ? 30_000 : 5_000);
        proxy.heal();
        const healedAt = performance.now();
        await expect
          .poll(() => healthy(slots[0]!.httpPort), { timeout: 60_000, interval: 200 })
          .toBe(true);
        const recoveryMs = Math.round(performance.now() - healedAt);
        const ackGapMs = await firstAckAfter(load, partitionedAt);
        await sleep(LOAD_MS / 3);
        await load.finish();
        await judge("postgres-partition", load, recoveryMs);
        console.log(
          `[fault scenario] postgres-partition: agent healthy ${recoveryMs} ms after the heal; ` +
            `first acknowledgement ${ackGapMs} ms after the partition began (other agents took over)`,
        );
        expect(recoveryMs).toBeLessThan(30_000);
      } finally {
        await proxy.close();
      }
    },
    TIMEOUT + 60_000,
  );
});
