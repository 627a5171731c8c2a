import { describe, expect, it } from "vitest";
import { describeFailure, runSeed } from "../../src/sim/run-seed.ts";

/**
 * Deterministic simulation of the data plane's core (see src/sim/): every seed is a whole run,
 * replayed exactly from its number. CI runs STREAMBED_SIM_SEEDS seeds (default below) from
 * STREAMBED_SIM_FIRST_SEED; STREAMBED_SIM_SEED=<n> replays one.
 */
const single = process.env.STREAMBED_SIM_SEED;
const count = Number(process.env.STREAMBED_SIM_SEEDS ?? 400);
const first = Number(process.env.STREAMBED_SIM_FIRST_SEED ?? 1);
const seeds =
  single !== undefined ? [Number(single)] : Array.from({ length: count }, (_, i) => first + i);

describe("deterministic simulation", () => {
  it(`keeps every acknowledged record exactly once under faults and crashes (${seeds.length} seeds)`, async () => {
    const failures: string[] = [];
    const started = performance.now();
    let steps = 0;
    let crashes = 0;
    for (const seed of seeds) {
      const outcome = await runSeed(seed);
      steps += outcome.steps;
      crashes += outcome.crashes;
      if (!outcome.valid) failures.push(describeFailure(outcome));
      if (failures.length >= 3) break;
    }
    const ms = performance.now() - started;
    console.log(
      `simulation: ${seeds.length} seeds in ${(ms / 1000).toFixed(1)} s ` +
        `(${(ms / seeds.length).toFixed(1)} ms per seed), ${steps} steps, ${crashes} crashes`,
    );
    expect(failures.join("\n\n")).toBe("");
  }, 600_000);
});
