import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ManualTimers } from "../manual-timers.ts";
import {
  intersect,
  isEmptyAssignment,
  partitionCount,
  union,
  type Assignment,
} from "./assignment.ts";
import { ConsumerGroup } from "./consumer-group.ts";
import {
  defaultConsumerGroupSettings,
  type ConsumerGroupSnapshot,
  type HeartbeatRequest,
  type HeartbeatResult,
  type SubscribedTopic,
} from "./consumer-group-types.ts";

const settings = {
  ...defaultConsumerGroupSettings,
  heartbeatIntervalMs: 100,
  sessionTimeoutMs: 1000,
};

function setup(partitions = 6) {
  const timers = new ManualTimers();
  const snapshots: ConsumerGroupSnapshot[] = [];
  const group = new ConsumerGroup("g", settings, timers, {
    onSnapshot: (s) => snapshots.push(s),
  });
  const topics = new Map<string, SubscribedTopic>([
    ["orders", { id: "id-orders", name: "orders", partitions }],
    ["payments", { id: "id-payments", name: "payments", partitions: 2 }],
  ]);
  return { group, timers, snapshots, topics };
}

function req(over: Partial<HeartbeatRequest>): HeartbeatRequest {
  return {
    memberId: "m1",
    memberEpoch: 0,
    instanceId: null,
    rackId: null,
    rebalanceTimeoutMs: 5000,
    subscribedTopicNames: ["orders"],
    subscribedTopicRegex: null,
    serverAssignor: null,
    ownedPartitions: null,
    clientId: "client",
    clientHost: "/127.0.0.1",
    ...over,
  };
}

type Ok = Extract<HeartbeatResult, { error: null }>;
function ok(result: HeartbeatResult): Ok {
  if (result.error !== null) throw new Error(`heartbeat failed: ${result.error}`);
  return result;
}

/** A member that follows the protocol: it owns what it was last given, and reports it. */
class Member {
  epoch = 0;
  owned: Assignment = {};
  constructor(
    readonly id: string,
    private readonly group: ConsumerGroup,
    private readonly topics: Map<string, SubscribedTopic>,
    private readonly extra: Partial<HeartbeatRequest> = {},
  ) {}
  heartbeat(): Ok {
    const joining = this.epoch === 0;
    const result = ok(
      this.group.heartbeat(
        req({
          ...this.extra,
          memberId: this.id,
          memberEpoch: this.epoch,
          subscribedTopicNames: joining ? (this.extra.subscribedTopicNames ?? ["orders"]) : null,
          rebalanceTimeoutMs: joining ? 5000 : -1,
          ownedPartitions: joining ? {} : this.owned,
        }),
        this.topics,
      ),
    );
    this.epoch = result.memberEpoch;
    if (result.assignment) this.owned = result.assignment;
    return result;
  }
}

describe("KIP-848 consumer group", () => {
  it("a first member gets every partition at epoch 1", () => {
    const { group, topics } = setup();
    const r = ok(group.heartbeat(req({}), topics));
    expect(r.memberEpoch).toBe(1);
    expect(r.heartbeatIntervalMs).toBe(100);
    expect(r.assignment).toEqual({ "id-orders": [0, 1, 2, 3, 4, 5] });
    expect(group.state).toBe("Stable");
  });

  it("revokes before it assigns: the newcomer waits until the owner gave the partitions up", () => {
    const { group, topics } = setup();
    const a = new Member("a", group, topics);
    const b = new Member("b", group, topics);
    a.heartbeat();
    const joined = b.heartbeat();
    // b is at the new epoch, but a still owns everything: b gets nothing yet.
    expect(joined.memberEpoch).toBe(2);
    expect(joined.assignment).toEqual({});
    expect(group.state).toBe("Reconciling");
    // a is told to give up 3 partitions and keeps its epoch until it has.
    const revoke = a.heartbeat();
    expect(revoke.memberEpoch).toBe(1);
    expect(partitionCount(revoke.assignment!)).toBe(3);
    // a confirms (its next heartbeat owns only those 3): it moves to epoch 2.
    expect(a.heartbeat().memberEpoch).toBe(2);
    // Now b gets the freed partitions.
    const assigned = b.heartbeat();
    expect(partitionCount(assigned.assignment!)).toBe(3);
    expect(isEmptyAssignment(intersect(a.owned, b.owned))).toBe(true);
    expect(group.state).toBe("Stable");
  });

  it("answers UNKNOWN_MEMBER_ID and FENCED_MEMBER_EPOCH; a fenced member rejoins with epoch 0", () => {
    const { group, topics } = setup();
    ok(group.heartbeat(req({}), topics));
    expect(group.heartbeat(req({ memberId: "nobody", memberEpoch: 1 }), topics).error).toBe(
      "UNKNOWN_MEMBER_ID",
    );
    expect(group.heartbeat(req({ memberEpoch: 7 }), topics).error).toBe("FENCED_MEMBER_EPOCH");
    const rejoined = ok(group.heartbeat(req({ memberEpoch: 0, ownedPartitions: {} }), topics));
    expect(rejoined.memberEpoch).toBeGreaterThan(0);
  });

  it("accepts the previous epoch after a lost response, and fences an older one", () => {
    const { group, topics } = setup();
    const a = new Member("a", group, topics);
    a.heartbeat();
    a.heartbeat();
    new Member("b", group, topics).heartbeat();
    a.heartbeat(); // told to revoke, still epoch 1
    const owned = a.owned;
    a.heartbeat(); // now epoch 2
    expect(a.epoch).toBe(2);
    // The epoch-2 answer was lost: the member retries with epoch 1 and what it owns.
    expect(
      ok(group.heartbeat(req({ memberId: "a", memberEpoch: 1, ownedPartitions: owned }), topics))
        .memberEpoch,
    ).toBe(2);
    // Claiming partitions it does not have at the old epoch is fenced.
    expect(
      group.heartbeat(
        req({
          memberId: "a",
          memberEpoch: 1,
          ownedPartitions: { "id-orders": [0, 1, 2, 3, 4, 5] },
        }),
        topics,
      ).error,
    ).toBe("FENCED_MEMBER_EPOCH");
  });

  it("validates joins: subscription, rebalance timeout and assignor", () => {
    const { group, topics } = setup();
    expect(group.heartbeat(req({ subscribedTopicNames: null }), topics).error).toBe(
      "INVALID_REQUEST",
    );
    expect(group.heartbeat(req({ rebalanceTimeoutMs: -1 }), topics).error).toBe("INVALID_REQUEST");
    expect(group.heartbeat(req({ serverAssignor: "sticky" }), topics).error).toBe(
      "UNSUPPORTED_ASSIGNOR",
    );
    expect(ok(group.heartbeat(req({ serverAssignor: "range" }), topics)).memberEpoch).toBe(1);
    expect(group.assignorName()).toBe("range");
  });

  it("static members: UNRELEASED_INSTANCE_ID while in use; after leaving with -2 a new member id takes over the assignment", () => {
    const { group, topics } = setup();
    const first = ok(group.heartbeat(req({ memberId: "s1", instanceId: "host-1" }), topics));
    expect(group.heartbeat(req({ memberId: "s2", instanceId: "host-1" }), topics).error).toBe(
      "UNRELEASED_INSTANCE_ID",
    );
    const left = ok(
      group.heartbeat(req({ memberId: "s1", instanceId: "host-1", memberEpoch: -2 }), topics),
    );
    expect(left.memberEpoch).toBe(-2);
    const back = ok(group.heartbeat(req({ memberId: "s2", instanceId: "host-1" }), topics));
    // No rebalance: same epoch, same partitions.
    expect(back.memberEpoch).toBe(first.memberEpoch);
    expect(back.assignment).toEqual(first.assignment);
  });

  it("removes a member whose session expires, and a member that does not revoke in time", () => {
    const { group, timers, topics } = setup();
    const a = new Member("a", group, topics);
    a.heartbeat();
    const b = new Member("b", group, topics);
    b.heartbeat();
    a.heartbeat(); // a must revoke within its rebalance timeout (5 s)...
    for (let i = 0; i < 5; i++) {
      timers.advance(900);
      // ...b keeps its session alive; a heartbeats but never lets go of its partitions.
      b.heartbeat();
      ok(
        group.heartbeat(
          req({
            memberId: "a",
            memberEpoch: 1,
            ownedPartitions: { "id-orders": [0, 1, 2, 3, 4, 5] },
          }),
          topics,
        ),
      );
    }
    timers.advance(600);
    expect(group.heartbeat(req({ memberId: "a", memberEpoch: 1 }), topics).error).toBe(
      "UNKNOWN_MEMBER_ID",
    );
    b.heartbeat();
    expect(partitionCount(b.owned)).toBe(6);
    // b goes silent: its session expires and the group is empty.
    timers.advance(1000);
    expect(group.state).toBe("Empty");
  });

  it("leaving (epoch -1) frees the partitions at once; the group epoch counts it", () => {
    const { group, topics, snapshots } = setup();
    const a = new Member("a", group, topics);
    const b = new Member("b", group, topics);
    a.heartbeat();
    b.heartbeat();
    a.heartbeat();
    a.heartbeat();
    b.heartbeat();
    expect(ok(group.heartbeat(req({ memberId: "a", memberEpoch: -1 }), topics)).memberEpoch).toBe(
      -1,
    );
    const after = b.heartbeat();
    expect(after.memberEpoch).toBe(3);
    expect(partitionCount(b.owned)).toBe(6);
    expect(snapshots.at(-1)!.groupEpoch).toBe(3);
  });

  it("subscribes by regex, and a topic growing partitions is a new group epoch", () => {
    const { group, topics } = setup();
    const r = ok(
      group.heartbeat(req({ subscribedTopicNames: null, subscribedTopicRegex: "pay.*" }), topics),
    );
    expect(r.assignment).toEqual({ "id-payments": [0, 1] });
    topics.set("payments", { id: "id-payments", name: "payments", partitions: 3 });
    const grown = ok(
      group.heartbeat(
        req({ memberEpoch: 1, subscribedTopicNames: null, ownedPartitions: r.assignment }),
        topics,
      ),
    );
    expect(grown.memberEpoch).toBe(2);
    expect(grown.assignment).toEqual({ "id-payments": [0, 1, 2] });
  });

  it("continues where it was when restored from a snapshot", () => {
    const { group, topics, snapshots } = setup();
    const a = new Member("a", group, topics);
    a.heartbeat();
    const restored = ConsumerGroup.restore(
      JSON.parse(JSON.stringify(snapshots.at(-1))) as ConsumerGroupSnapshot,
      settings,
      new ManualTimers(),
      { onSnapshot: () => undefined },
    );
    const r = ok(
      restored.heartbeat(
        req({
          memberId: "a",
          memberEpoch: 1,
          subscribedTopicNames: null,
          ownedPartitions: a.owned,
        }),
        topics,
      ),
    );
    expect(r.memberEpoch).toBe(1);
    expect(r.assignment).toBeNull();
    expect(restored.state).toBe("Stable");
  });

  it("under random churn no partition is ever owned by two members, and the group settles on a complete assignment", () => {
    type Step = { kind: "join" } | { kind: "leave"; who: number } | { kind: "beat"; who: number };
    const step: fc.Arbitrary<Step> = fc.oneof(
      fc.constant({ kind: "join" as const }),
      fc.record({ kind: fc.constant("leave" as const), who: fc.nat(20) }),
      fc.record({ kind: fc.constant("beat" as const), who: fc.nat(20) }),
      fc.record({ kind: fc.constant("beat" as const), who: fc.nat(20) }),
    );
    fc.assert(
      fc.property(
        fc.array(step, { maxLength: 60 }),
        fc.constantFrom("uniform", "range"),
        (steps, assignor) => {
          const { group, topics } = setup(12);
          const members: Member[] = [];
          let n = 0;
          const noOverlap = () => {
            for (let i = 0; i < members.length; i++)
              for (let j = i + 1; j < members.length; j++)
                expect(intersect(members[i]!.owned, members[j]!.owned)).toEqual({});
          };
          for (const s of steps) {
            if (s.kind === "join") {
              const m = new Member(`m${n++}`, group, topics, { serverAssignor: assignor });
              members.push(m);
              m.heartbeat();
            } else if (members.length > 0) {
              const m = members[s.who % members.length]!;
              if (s.kind === "leave") {
                ok(group.heartbeat(req({ memberId: m.id, memberEpoch: -1 }), topics));
                members.splice(members.indexOf(m), 1);
              } else {
                m.heartbeat();
              }
            }
            noOverlap();
          }
          // With no more changes, a few rounds of heartbeats settle every member.
          for (let round = 0; round < 4; round++) for (const m of members) m.heartbeat();
          noOverlap();
          if (members.length > 0) {
            expect(group.state).toBe("Stable");
            const all = members.reduce<Assignment>((acc, m) => union(acc, m.owned), {});
            expect(partitionCount(all)).toBe(12);
          }
        },
      ),
    );
  });
});
