import { describe, expect, it } from "vitest";
import { describeGroupFailure, runGroupSeed } from "../../src/sim/run-group-seed.ts";
import { commitMetadata, commitOrderProblems } from "../../src/sim/group-observations.ts";
import { SimGroupTables } from "../../src/sim/sim-group-store.ts";
import { encodeAssignment, rangeAssignment } from "../../src/sim/sim-group-consumer.ts";

/**
 * Deterministic simulation of classic consumer group coordination (see src/sim/): every seed is
 * a whole run, replayed exactly from its number. CI runs STREAMBED_SIM_SEEDS seeds (500 by
 * default) from STREAMBED_SIM_FIRST_SEED; STREAMBED_SIM_SEED=<n> replays one.
 */
const single = process.env.STREAMBED_SIM_SEED;
const count = Number(process.env.STREAMBED_SIM_SEEDS ?? 500);
const first = Number(process.env.STREAMBED_SIM_FIRST_SEED ?? 1);
const seeds =
  single !== undefined ? [Number(single)] : Array.from({ length: count }, (_, i) => first + i);

describe("group coordination simulation", () => {
  it("replays a seed exactly", async () => {
    const [a, b] = [await runGroupSeed(4242), await runGroupSeed(4242)];
    expect(a.finalGeneration).toBeGreaterThan(0);
    expect({ ...b, counts: [...b.counts] }).toEqual({ ...a, counts: [...a.counts] });
  });

  it("catches a fenced member's commit landing after a later generation's", () => {
    const tables = new SimGroupTables("sim-cluster");
    const commit = (offset: bigint, by: string) => ({
      groupId: "g",
      offset: { topic: "t", partition: 0, offset, leaderEpoch: -1, metadata: by },
      simulatedMs: 0,
    });
    tables.appliedCommits.push(
      commit(10n, commitMetadata("a", 4)),
      commit(12n, commitMetadata("b", 5)),
    );
    expect(commitOrderProblems(tables)).toEqual([]);
    tables.appliedCommits.push(commit(11n, commitMetadata("a", 4)));
    expect(commitOrderProblems(tables)).toHaveLength(1);
  });

  it("fences a group's saves and commits by generation: seeds that fail without the fences pass with them", async () => {
    // Without them, two agents whose views of the live agents differ both run the group's next
    // generation, and a commit validated by a coordinator the group left lands late.
    const failing: string[] = [];
    for (let seed = 1; seed <= 50; seed++) {
      if ((await runGroupSeed(seed, { unfenced: true })).valid) continue;
      const outcome = await runGroupSeed(seed);
      failing.push(outcome.valid ? "" : describeGroupFailure(outcome));
    }
    expect(failing.length).toBeGreaterThan(0);
    expect(failing.join("")).toBe("");
  });

  it("catches a leader handing one partition to two members", async () => {
    // Every member but the first also gets partition 0.
    const broken = (...args: Parameters<typeof rangeAssignment>) =>
      rangeAssignment(...args).map((a, i) => {
        const owned = JSON.parse(new TextDecoder().decode(a.assignment)) as number[];
        return i === 0 || owned.includes(0)
          ? a
          : { ...a, assignment: encodeAssignment([0, ...owned]) };
      });
    let caught = 0;
    for (let seed = 1; seed <= 20; seed++) {
      const outcome = await runGroupSeed(seed, { assignor: broken });
      if (outcome.problems.some((p) => /partition 0 assigned to .* and /.test(p))) caught++;
    }
    expect(caught).toBeGreaterThan(0);
  });

  it(`keeps members, generations, assignments and offsets consistent under faults (${seeds.length} seeds)`, async () => {
    const failures: string[] = [];
    const started = performance.now();
    let steps = 0;
    let crashes = 0;
    let generations = 0;
    for (const seed of seeds) {
      const outcome = await runGroupSeed(seed);
      steps += outcome.steps;
      crashes += outcome.crashes;
      generations += Math.max(0, outcome.finalGeneration);
      if (!outcome.valid) failures.push(describeGroupFailure(outcome));
      if (failures.length >= 3) break;
    }
    const ms = performance.now() - started;
    console.log(
      `group simulation: ${seeds.length} seeds in ${(ms / 1000).toFixed(1)} s ` +
        `(${(ms / seeds.length).toFixed(1)} ms per seed), ${steps} steps, ${crashes} agent crashes, ` +
        `${generations} generations in all`,
    );
    expect(failures.join("\n\n")).toBe("");
  }, 600_000);
});
