import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  fromPairs,
  intersect,
  isEmptyAssignment,
  sameAssignment,
  subtract,
  union,
  type Assignment,
} from "./assignment.ts";
import { reconcile, type MemberAssignmentState } from "./reconciliation.ts";

/** Assignments over two topics of 8 partitions. */
const assignment: fc.Arbitrary<Assignment> = fc
  .tuple(fc.subarray([0, 1, 2, 3, 4, 5, 6, 7]), fc.subarray([0, 1, 2, 3, 4, 5, 6, 7]))
  .map(([a, b]) =>
    fromPairs([
      { topicId: "a", partitions: a },
      { topicId: "b", partitions: b },
    ]),
  );

const member: fc.Arbitrary<MemberAssignmentState> = fc
  .record({
    epoch: fc.integer({ min: 1, max: 5 }),
    state: fc.constantFrom("STABLE", "UNREVOKED_PARTITIONS", "UNRELEASED_PARTITIONS" as const),
    assigned: assignment,
    pending: assignment,
  })
  .map(({ epoch, state, assigned, pending }) => ({
    memberEpoch: epoch,
    previousMemberEpoch: epoch - 1,
    state,
    assigned,
    pendingRevocation: state === "UNREVOKED_PARTITIONS" ? subtract(pending, assigned) : {},
  }))
  // A member waiting to revoke always has something to revoke.
  .filter((m) => m.state !== "UNREVOKED_PARTITIONS" || !isEmptyAssignment(m.pendingRevocation));

const input = fc.record({
  member,
  targetEpochAhead: fc.integer({ min: 0, max: 2 }),
  target: assignment,
  others: assignment,
  reported: fc.option(assignment, { nil: null }),
});

describe("reconcile (revoke before assign)", () => {
  it("never gives a partition another member holds, nor one outside the target", () => {
    fc.assert(
      fc.property(input, ({ member: m, targetEpochAhead, target, others, reported }) => {
        // Others never hold what this member holds.
        const othersHeld = subtract(others, union(m.assigned, m.pendingRevocation));
        const next = reconcile(
          m,
          { epoch: m.memberEpoch + targetEpochAhead, assignment: target },
          othersHeld,
          reported,
        );
        const gained = subtract(next.assigned, m.assigned);
        expect(intersect(gained, othersHeld)).toEqual({});
        expect(subtract(gained, target)).toEqual({});
      }),
    );
  });

  it("keeps its epoch and gains nothing while it still owns partitions to revoke", () => {
    fc.assert(
      fc.property(input, ({ member: m, targetEpochAhead, target, others, reported }) => {
        const next = reconcile(
          m,
          { epoch: m.memberEpoch + targetEpochAhead, assignment: target },
          subtract(others, union(m.assigned, m.pendingRevocation)),
          reported,
        );
        if (next.state !== "UNREVOKED_PARTITIONS") return;
        expect(next.memberEpoch).toBe(m.memberEpoch);
        expect(subtract(next.assigned, m.assigned)).toEqual({});
        expect(isEmptyAssignment(next.pendingRevocation)).toBe(false);
      }),
    );
  });

  it("is stable at the target's epoch with exactly the target once nothing is held elsewhere", () => {
    fc.assert(
      fc.property(member, assignment, (m, target) => {
        const stable = { ...m, state: "STABLE" as const, pendingRevocation: {} };
        // The member reports owning exactly what it has: it revokes at once, then gets the rest.
        let next = reconcile(
          stable,
          { epoch: m.memberEpoch + 1, assignment: target },
          {},
          m.assigned,
        );
        next = reconcile(next, { epoch: m.memberEpoch + 1, assignment: target }, {}, next.assigned);
        expect(next.state).toBe("STABLE");
        expect(next.memberEpoch).toBe(m.memberEpoch + 1);
        expect(sameAssignment(next.assigned, target)).toBe(true);
      }),
    );
  });
});
