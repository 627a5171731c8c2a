import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { partitionCount, subtract, isEmptyAssignment, type Assignment } from "./assignment.ts";
import { rangeAssignor, uniformAssignor, type AssignorMember } from "./assignors.ts";

const topicIds = ["t-a", "t-b", "t-c"];

/** Random groups: up to 8 members, each subscribing to some of 3 topics of up to 24 partitions. */
const groups = fc
  .record({
    counts: fc.tuple(fc.nat(24), fc.nat(24), fc.nat(24)),
    subscriptions: fc.array(fc.subarray(topicIds, { minLength: 1 }), {
      minLength: 1,
      maxLength: 8,
    }),
  })
  .map(({ counts, subscriptions }) => ({
    topics: new Map(topicIds.map((id, i) => [id, counts[i]!])),
    members: subscriptions.map((topics, i): AssignorMember => ({
      memberId: `m${i}`,
      topicIds: topics,
      current: {},
    })),
  }));

const homogeneous = fc
  .record({ partitions: fc.nat(40), members: fc.integer({ min: 1, max: 9 }) })
  .map(({ partitions, members }) => ({
    topics: new Map([["t-a", partitions]]),
    members: Array.from({ length: members }, (_, i): AssignorMember => ({
      memberId: `m${i}`,
      topicIds: ["t-a"],
      current: {},
    })),
  }));

/** Every subscribed partition exactly once, and only to a member subscribing to its topic. */
function expectComplete(
  members: readonly AssignorMember[],
  topics: ReadonlyMap<string, number>,
  result: Map<string, Assignment>,
) {
  const seen = new Set<string>();
  for (const m of members) {
    for (const [topicId, partitions] of Object.entries(result.get(m.memberId) ?? {})) {
      expect(m.topicIds).toContain(topicId);
      for (const p of partitions) {
        expect(p).toBeLessThan(topics.get(topicId)!);
        const key = `${topicId}:${p}`;
        expect(seen.has(key)).toBe(false);
        seen.add(key);
      }
    }
  }
  for (const [topicId, count] of topics) {
    const subscribed = members.some((m) => m.topicIds.includes(topicId));
    for (let p = 0; p < count; p++) expect(seen.has(`${topicId}:${p}`)).toBe(subscribed);
  }
}

describe("uniform assignor", () => {
  it("assigns every subscribed partition once, to a subscriber", () => {
    fc.assert(
      fc.property(groups, ({ members, topics }) => {
        expectComplete(members, topics, uniformAssignor(members, topics));
      }),
    );
  });

  it("is balanced: no member has two more than a member that could take one of its partitions", () => {
    fc.assert(
      fc.property(groups, ({ members, topics }) => {
        const result = uniformAssignor(members, topics);
        for (const a of members) {
          for (const b of members) {
            const surplus =
              partitionCount(result.get(a.memberId)!) - partitionCount(result.get(b.memberId)!);
            if (surplus < 2) continue;
            const movable = Object.keys(result.get(a.memberId)!).filter((t) =>
              b.topicIds.includes(t),
            );
            expect(movable).toEqual([]);
          }
        }
      }),
    );
  });

  it("with identical subscriptions, counts differ by at most one", () => {
    fc.assert(
      fc.property(homogeneous, ({ members, topics }) => {
        const counts = [...uniformAssignor(members, topics).values()].map(partitionCount);
        expect(Math.max(...counts) - Math.min(...counts)).toBeLessThanOrEqual(1);
      }),
    );
  });

  it("is sticky: members keep their partitions when one joins, only the surplus moves to it", () => {
    fc.assert(
      fc.property(homogeneous, ({ members, topics }) => {
        const before = uniformAssignor(members, topics);
        const grown = [
          ...members.map((m) => ({ ...m, current: before.get(m.memberId)! })),
          { memberId: "zz-new", topicIds: ["t-a"], current: {} },
        ];
        const after = uniformAssignor(grown, topics);
        for (const m of members) {
          // Nothing moves between old members: each keeps a subset of what it had.
          expect(isEmptyAssignment(subtract(after.get(m.memberId)!, before.get(m.memberId)!))).toBe(
            true,
          );
        }
        // And re-running with the result as the current assignment changes nothing.
        const again = uniformAssignor(
          grown.map((m) => ({ ...m, current: after.get(m.memberId)! })),
          topics,
        );
        expect(again).toEqual(after);
      }),
    );
  });
});

describe("range assignor", () => {
  it("assigns every subscribed partition once, in contiguous ranges per topic", () => {
    fc.assert(
      fc.property(groups, ({ members, topics }) => {
        const result = rangeAssignor(members, topics);
        expectComplete(members, topics, result);
        for (const assignment of result.values()) {
          for (const partitions of Object.values(assignment)) {
            expect(partitions).toEqual(partitions.map((_, i) => partitions[0]! + i));
          }
        }
      }),
    );
  });

  it("co-partitions: same subscriptions and partition counts give the same partition numbers", () => {
    fc.assert(
      fc.property(fc.nat(30), fc.integer({ min: 1, max: 7 }), (count, n) => {
        const topics = new Map([
          ["orders", count],
          ["payments", count],
        ]);
        const members = Array.from({ length: n }, (_, i) => ({
          memberId: `m${i}`,
          topicIds: ["orders", "payments"],
          current: {},
        }));
        for (const a of rangeAssignor(members, topics).values()) {
          expect(a["orders"] ?? []).toEqual(a["payments"] ?? []);
        }
      }),
    );
  });

  it("gives the first members one more when the count does not divide", () => {
    const members = ["c", "a", "b"].map((memberId) => ({ memberId, topicIds: ["t"], current: {} }));
    const result = rangeAssignor(members, new Map([["t", 7]]));
    expect(result.get("a")).toEqual({ t: [0, 1, 2] });
    expect(result.get("b")).toEqual({ t: [3, 4] });
    expect(result.get("c")).toEqual({ t: [5, 6] });
  });
});
