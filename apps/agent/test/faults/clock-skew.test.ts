import { execFileSync } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { kafkaClient } from "../support/kafkajs-admin.ts";
import {
  LOAD_MS,
  TIMEOUT,
  judge,
  sleep,
  useFaultScenarioHooks,
  startScenario,
} from "./scenario-support.ts";

const db = useFaultScenarioHooks();

/** Debian's libfaketime (package `faketime`), which shifts a process's wall clock. */
function libfaketime(): string {
  const lib = readdirSync("/usr/lib", { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => path.join("/usr/lib", d.name, "faketime/libfaketime.so.1"))
    .find((p) => existsSync(p));
  if (!lib) throw new Error("libfaketime is missing: install the Debian package `faketime`");
  return lib;
}

/** Far beyond agent liveness (5 s) and session timeouts: any cross-agent wall-clock comparison shows. */
const SKEWS = ["+0s", "+90s", "-90s"];

describe("fault scenario", () => {
  it(
    "agents' wall clocks 90 s apart: every agent sees the others, the group stays put, nothing is lost",
    async () => {
      const preload = libfaketime();
      const env = (i: number) => ({
        LD_PRELOAD: preload,
        FAKETIME: SKEWS[i]!,
        // Durations and timers keep the true monotonic clock; only the time of day is off.
        FAKETIME_DONT_FAKE_MONOTONIC: "1",
      });
      // The skew is real: a Node process with an agent's environment reads the shifted time.
      const offsets = SKEWS.map((_, i) => {
        const before = Date.now();
        const seen = Number(
          execFileSync(process.execPath, ["-e", "process.stdout.write(String(Date.now()))"], {
            env: { ...process.env, ...env(i) },
          }),
        );
        return Math.round((seen - before) / 10_000) * 10;
      });
      expect(offsets).toEqual([0, 90, -90]);
      const { load, bootstrap } = await startScenario(db.url, "clock-skew", [], { env });
      // Each agent, asked alone, lists all three throughout (liveness is judged on Postgres's clock).
      const brokersSeen: number[] = [];
      const ends = Date.now() + LOAD_MS;
      while (Date.now() < ends) {
        for (const address of bootstrap) {
          const admin = kafkaClient(address).admin();
          await admin.connect();
          brokersSeen.push((await admin.describeCluster()).brokers.length);
          await admin.disconnect();
        }
        await sleep(1000);
      }
      await load.finish();
      const report = await judge("clock-skew", load, null);
      expect(new Set(brokersSeen)).toEqual(new Set([3]));
      // One join of the load consumer (a seek per partition): no member expired because a
      // clock was off.
      const seeks = load.history.events.filter(
        (e) => e.type === "seek" && e.consumer !== "final-read",
      );
      expect(seeks).toHaveLength(4);
      expect(report.counts.lost).toBe(0);
    },
    TIMEOUT,
  );
});
