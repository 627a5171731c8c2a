import { describe, expect, it } from "vitest";
import { describeFailure, runSeed } from "../../src/sim/run-seed.ts";

/**
 * Deterministic simulation of the data plane's core (see src/sim/): every seed is a whole run,
 * replayed exactly from its number. CI runs STREAMBED_SIM_SEEDS seeds (1,000 by default, about
 * 20-40 s) from STREAMBED_SIM_FIRST_SEED; STREAMBED_SIM_SEED=<n> replays one.
 */
const single = process.env.STREAMBED_SIM_SEED;
const count = Number(process.env.STREAMBED_SIM_SEEDS ?? 1000);
const first = Number(process.env.STREAMBED_SIM_FIRST_SEED ?? 1);
const seeds =
  single !== undefined ? [Number(single)] : Array.from({ length: count }, (_, i) => first + i);

describe("deterministic simulation", () => {
  it("replays a seed exactly", async () => {
    const [a, b] = [await runSeed(4242), await runSeed(4242)];
    expect(a.report.counts.acknowledged).toBeGreaterThan(0);
    expect({ ...b.report, steps: b.steps, ms: b.simulatedMs }).toEqual({
      ...a.report,
      steps: a.steps,
      ms: a.simulatedMs,
    });
    expect([...b.counts]).toEqual([...a.counts]);
  });

  it(`keeps every acknowledged record exactly once under faults and crashes (${seeds.length} seeds)`, async () => {
    const failures: string[] = [];
    const started = performance.now();
    let steps = 0;
    let acknowledged = 0;
    const crashPoints = new Map<string, number>();
    for (const seed of seeds) {
      const outcome = await runSeed(seed);
      steps += outcome.steps;
      acknowledged += outcome.report.counts.acknowledged;
      for (const [what, n] of outcome.counts)
        if (what.includes("crash")) crashPoints.set(what, (crashPoints.get(what) ?? 0) + n);
      if (!outcome.valid) failures.push(describeFailure(outcome));
      if (failures.length >= 3) break;
    }
    const ms = performance.now() - started;
    console.log(
      `simulation: ${seeds.length} seeds in ${(ms / 1000).toFixed(1)} s ` +
        `(${(ms / seeds.length).toFixed(1)} ms per seed), ${steps} steps, ${acknowledged} records acknowledged\n` +
        `  crashes with an operation in flight: ${[...crashPoints]
          .sort()
          .map(([what, n]) => `${what} ${n}`)
          .join(", ")}`,
    );
    expect(failures.join("\n\n")).toBe("");
  }, 600_000);
});
