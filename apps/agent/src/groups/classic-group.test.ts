import { describe, expect, it } from "vitest";
import { ClassicGroup } from "./classic-group.ts";
import { ManualTimers } from "./manual-timers.ts";
import type { GroupSnapshot, JoinRequest, JoinResult } from "./group-types.ts";
import { defaultGroupSettings } from "./group-types.ts";

function setup(initialRebalanceDelayMs = 0) {
  const timers = new ManualTimers();
  const snapshots: GroupSnapshot[] = [];
  let n = 0;
  const group = new ClassicGroup(
    "g",
    { ...defaultGroupSettings, initialRebalanceDelayMs },
    timers,
    {
      onSnapshot: (s) => {
        snapshots.push(s);
        return Promise.resolve(true);
      },
      newMemberId: (clientId) => `${clientId}-${++n}`,
    },
  );
  return { group, timers, snapshots };
}

const meta = (s: string) => new TextEncoder().encode(s);

function joinReq(over: Partial<JoinRequest> = {}): JoinRequest {
  return {
    memberId: "",
    groupInstanceId: null,
    clientId: "c",
    clientHost: "/127.0.0.1",
    sessionTimeoutMs: 10_000,
    rebalanceTimeoutMs: 30_000,
    protocolType: "consumer",
    protocols: [{ name: "range", metadata: meta("m") }],
    requireKnownMemberId: true,
    ...over,
  };
}

/** Runs the MEMBER_ID_REQUIRED round trip and returns the pending second join. */
async function joinNew(
  group: ClassicGroup,
  over: Partial<JoinRequest> = {},
): Promise<{ memberId: string; result: Promise<JoinResult> }> {
  const first = await group.join(joinReq(over));
  expect(first.error).toBe("MEMBER_ID_REQUIRED");
  return {
    memberId: first.memberId,
    result: group.join(joinReq({ ...over, memberId: first.memberId })),
  };
}

async function stableGroupOfTwo() {
  const s = setup();
  const a = await joinNew(s.group);
  s.timers.advance(0);
  const ja = await a.result;
  const syncA = await s.group.sync({
    memberId: a.memberId,
    groupInstanceId: null,
    generationId: ja.generationId,
    protocolType: "consumer",
    protocolName: "range",
    assignments: [{ memberId: a.memberId, assignment: meta("A") }],
  });
  expect(syncA.error).toBeNull();
  const b = await joinNew(s.group);
  expect(s.group.state).toBe("PreparingRebalance");
  expect(s.group.heartbeat({ memberId: a.memberId, groupInstanceId: null, generationId: 1 })).toBe(
    "REBALANCE_IN_PROGRESS",
  );
  const ra = s.group.join(joinReq({ memberId: a.memberId }));
  const [ja2, jb] = await Promise.all([ra, b.result]);
  expect(ja2.generationId).toBe(2);
  expect(ja2.leaderId).toBe(a.memberId);
  expect(ja2.members.map((m) => m.memberId).sort()).toEqual([a.memberId, b.memberId].sort());
  expect(jb.members).toEqual([]);
  const sb = s.group.sync({
    memberId: b.memberId,
    groupInstanceId: null,
    generationId: 2,
    protocolType: "consumer",
    protocolName: "range",
    assignments: [],
  });
  const sa = s.group.sync({
    memberId: a.memberId,
    groupInstanceId: null,
    generationId: 2,
    protocolType: "consumer",
    protocolName: "range",
    assignments: [
      { memberId: a.memberId, assignment: meta("A2") },
      { memberId: b.memberId, assignment: meta("B2") },
    ],
  });
  expect(new TextDecoder().decode((await sb).assignment)).toBe("B2");
  expect(new TextDecoder().decode((await sa).assignment)).toBe("A2");
  expect(s.group.state).toBe("Stable");
  return { ...s, a: a.memberId, b: b.memberId };
}

describe("ClassicGroup", () => {
  it("hands out a member id first, then completes a rebalance of one member", async () => {
    const { group, timers, snapshots } = setup();
    const a = await joinNew(group);
    expect(group.state).toBe("PreparingRebalance");
    timers.advance(0);
    const res = await a.result;
    expect(res).toMatchObject({
      error: null,
      generationId: 1,
      protocolName: "range",
      leaderId: a.memberId,
      memberId: a.memberId,
    });
    expect(group.state).toBe("CompletingRebalance");
    await group.sync({
      memberId: a.memberId,
      groupInstanceId: null,
      generationId: 1,
      protocolType: "consumer",
      protocolName: "range",
      assignments: [],
    });
    expect(group.state).toBe("Stable");
    expect(snapshots.at(-1)).toMatchObject({
      state: "Stable",
      generationId: 1,
      leaderId: a.memberId,
    });
  });

  it("waits for all existing members to rejoin and fences old generations", async () => {
    const { group, a, b } = await stableGroupOfTwo();
    expect(group.heartbeat({ memberId: a, groupInstanceId: null, generationId: 1 })).toBe(
      "ILLEGAL_GENERATION",
    );
    expect(group.heartbeat({ memberId: b, groupInstanceId: null, generationId: 2 })).toBeNull();
    expect(group.heartbeat({ memberId: "nobody", groupInstanceId: null, generationId: 2 })).toBe(
      "UNKNOWN_MEMBER_ID",
    );
    expect(
      group.validateOffsetCommit({ memberId: a, groupInstanceId: null, generationId: 1 }),
    ).toBe("ILLEGAL_GENERATION");
    expect(
      group.validateOffsetCommit({ memberId: a, groupInstanceId: null, generationId: 2 }),
    ).toBeNull();
    expect(
      group.validateOffsetCommit({ memberId: "", groupInstanceId: null, generationId: -1 }),
    ).toBe("UNKNOWN_MEMBER_ID");
  });

  it("rebalances when a member leaves and becomes Empty when the last one does", async () => {
    const { group, a, b, snapshots } = await stableGroupOfTwo();
    expect(group.leave([{ memberId: b, groupInstanceId: null }])).toEqual([
      { memberId: b, groupInstanceId: null, error: null },
    ]);
    expect(group.state).toBe("PreparingRebalance");
    const ja = await group.join(joinReq({ memberId: a }));
    expect(ja.generationId).toBe(3);
    expect(ja.members).toHaveLength(1);
    group.leave([{ memberId: a, groupInstanceId: null }]);
    expect(group.state).toBe("Empty");
    expect(group.generationId).toBe(4);
    expect(snapshots.at(-1)).toMatchObject({ state: "Empty", members: [] });
    expect(
      group.validateOffsetCommit({ memberId: "", groupInstanceId: null, generationId: -1 }),
    ).toBeNull();
  });

  it("removes a member whose session expires and one that does not rejoin in time", async () => {
    const { group, timers, a, b } = await stableGroupOfTwo();
    timers.advance(9_000);
    expect(group.heartbeat({ memberId: a, groupInstanceId: null, generationId: 2 })).toBeNull();
    timers.advance(2_000);
    // b missed its session: a rebalance started, and a is told to rejoin.
    expect(group.state).toBe("PreparingRebalance");
    expect(group.heartbeat({ memberId: b, groupInstanceId: null, generationId: 2 })).toBe(
      "UNKNOWN_MEMBER_ID",
    );
    expect(group.heartbeat({ memberId: a, groupInstanceId: null, generationId: 2 })).toBe(
      "REBALANCE_IN_PROGRESS",
    );
    timers.advance(30_000);
    // a did not rejoin within the rebalance timeout either.
    expect(group.state).toBe("Empty");
  });

  it("answers a pending SyncGroup with REBALANCE_IN_PROGRESS when a new member joins", async () => {
    const { group, timers } = setup();
    const a = await joinNew(group);
    timers.advance(0);
    await a.result;
    expect(
      (
        await group.sync({
          memberId: a.memberId,
          groupInstanceId: null,
          generationId: 1,
          protocolType: null,
          protocolName: null,
          assignments: [],
        })
      ).error,
    ).toBeNull();
    const b = await joinNew(group);
    const ra = group.join(joinReq({ memberId: a.memberId }));
    await Promise.all([ra, b.result]);
    const followerSync = group.sync({
      memberId: b.memberId,
      groupInstanceId: null,
      generationId: 2,
      protocolType: null,
      protocolName: null,
      assignments: [],
    });
    await joinNew(group);
    expect((await followerSync).error).toBe("REBALANCE_IN_PROGRESS");
  });

  it("drops members that never sync, so a vanished leader cannot stall the group", async () => {
    const { group, timers } = setup();
    const a = await joinNew(group);
    timers.advance(0);
    await a.result;
    expect(group.state).toBe("CompletingRebalance");
    timers.advance(30_000);
    expect(group.state).toBe("Empty");
  });

  it("delays the first rebalance of an empty group and extends it while members arrive", async () => {
    const { group, timers } = setup(3000);
    const a = await joinNew(group, { rebalanceTimeoutMs: 10_000 });
    timers.advance(2_000);
    const b = await joinNew(group, { rebalanceTimeoutMs: 10_000 });
    timers.advance(1_000);
    expect(group.state).toBe("PreparingRebalance");
    timers.advance(3_000);
    const [ja, jb] = await Promise.all([a.result, b.result]);
    expect(ja.generationId).toBe(1);
    expect(jb.generationId).toBe(1);
  });

  it("rejects bad session timeouts and inconsistent protocols", async () => {
    const { group, timers } = setup();
    expect((await group.join(joinReq({ sessionTimeoutMs: 10 }))).error).toBe(
      "INVALID_SESSION_TIMEOUT",
    );
    expect((await group.join(joinReq({ protocols: [] }))).error).toBe(
      "INCONSISTENT_GROUP_PROTOCOL",
    );
    const a = await joinNew(group);
    timers.advance(0);
    await a.result;
    expect((await group.join(joinReq({ protocolType: "connect" }))).error).toBe(
      "INCONSISTENT_GROUP_PROTOCOL",
    );
    expect(
      (await group.join(joinReq({ protocols: [{ name: "roundrobin", metadata: meta("") }] })))
        .error,
    ).toBe("INCONSISTENT_GROUP_PROTOCOL");
  });

  it("selects the protocol all members support with the most votes", async () => {
    const { group, timers } = setup();
    const both = [
      { name: "cooperative-sticky", metadata: meta("x") },
      { name: "range", metadata: meta("y") },
    ];
    const a = await joinNew(group, { protocols: both });
    const b = await joinNew(group, { protocols: [both[1]!, both[0]!] });
    const c = await joinNew(group, { protocols: both });
    timers.advance(0);
    const results = await Promise.all([a.result, b.result, c.result]);
    expect(results.map((r) => r.protocolName)).toEqual([
      "cooperative-sticky",
      "cooperative-sticky",
      "cooperative-sticky",
    ]);
    const leader = results.find((r) => r.members.length > 0)!;
    expect(new TextDecoder().decode(leader.members[0]!.metadata)).toBe("x");
  });

  it("lets a static member rejoin a stable group without a rebalance and fences its old id", async () => {
    const { group, timers } = setup();
    const first = group.join(joinReq({ groupInstanceId: "i1" }));
    timers.advance(0);
    const j1 = await first;
    expect(j1.error).toBeNull();
    await group.sync({
      memberId: j1.memberId,
      groupInstanceId: "i1",
      generationId: 1,
      protocolType: null,
      protocolName: null,
      assignments: [{ memberId: j1.memberId, assignment: meta("P") }],
    });
    const again = await group.join(joinReq({ groupInstanceId: "i1" }));
    expect(again.error).toBeNull();
    expect(again.memberId).not.toBe(j1.memberId);
    expect(again.generationId).toBe(1);
    // The old leader id comes back, so the returning member does not assign as leader.
    expect(again.leaderId).toBe(j1.memberId);
    expect(group.state).toBe("Stable");
    const s = await group.sync({
      memberId: again.memberId,
      groupInstanceId: "i1",
      generationId: 1,
      protocolType: null,
      protocolName: null,
      assignments: [],
    });
    expect(new TextDecoder().decode(s.assignment)).toBe("P");
    expect(group.heartbeat({ memberId: j1.memberId, groupInstanceId: "i1", generationId: 1 })).toBe(
      "FENCED_INSTANCE_ID",
    );
    expect(group.leave([{ memberId: j1.memberId, groupInstanceId: "i1" }])[0]!.error).toBe(
      "FENCED_INSTANCE_ID",
    );
    expect(group.leave([{ memberId: "", groupInstanceId: "i1" }])[0]!.error).toBeNull();
    expect(group.state).toBe("Empty");
  });

  it("restores a persisted stable group whose members keep their generation", async () => {
    const { group, snapshots } = await stableGroupOfTwo();
    const snap = snapshots.at(-1)!;
    const timers = new ManualTimers();
    const restored = ClassicGroup.restore(snap, defaultGroupSettings, timers, {
      onSnapshot: () => Promise.resolve(true),
      newMemberId: () => "x",
    });
    expect(restored.state).toBe("Stable");
    const [a, b] = snap.members;
    expect(
      restored.heartbeat({ memberId: a!.memberId, groupInstanceId: null, generationId: 2 }),
    ).toBeNull();
    const s = await restored.sync({
      memberId: b!.memberId,
      groupInstanceId: null,
      generationId: 2,
      protocolType: null,
      protocolName: null,
      assignments: [],
    });
    expect(new TextDecoder().decode(s.assignment)).toBe("B2");
    expect(group.generationId).toBe(2);
  });

  it("answers a generation's joins once it is stored, and rebalances when it could not be", async () => {
    const timers = new ManualTimers();
    const writes: { snapshot: GroupSnapshot; settle: (stored: boolean) => void }[] = [];
    let n = 0;
    const group = new ClassicGroup("g", defaultGroupSettings, timers, {
      onSnapshot: (snapshot) => new Promise((settle) => writes.push({ snapshot, settle })),
      newMemberId: (clientId) => `${clientId}-${++n}`,
    });
    const a = await joinNew(group);
    let answered: JoinResult | undefined;
    void a.result.then((r) => (answered = r));
    timers.advance(defaultGroupSettings.initialRebalanceDelayMs);
    expect(writes.map((w) => [w.snapshot.state, w.snapshot.generationId])).toEqual([
      ["CompletingRebalance", 1],
    ]);
    await Promise.resolve();
    expect(answered).toBeUndefined();
    writes[0]!.settle(false);
    expect((await a.result).error).toBe("REBALANCE_IN_PROGRESS");
    expect(group.state).toBe("PreparingRebalance");

    // Generation 1 was never shown: the member's rejoin gets generation 2, once stored.
    const again = group.join(joinReq({ memberId: a.memberId }));
    expect(writes.at(-1)!.snapshot.generationId).toBe(2);
    writes.at(-1)!.settle(true);
    expect(await again).toMatchObject({ error: null, generationId: 2 });

    // Stored mid-rebalance, the group is restored rebalancing: its members must rejoin.
    const restored = ClassicGroup.restore(writes.at(-1)!.snapshot, defaultGroupSettings, timers, {
      onSnapshot: () => Promise.resolve(true),
      newMemberId: () => "x",
    });
    expect(restored.state).toBe("PreparingRebalance");
    expect(
      restored.heartbeat({ memberId: a.memberId, groupInstanceId: null, generationId: 2 }),
    ).toBe("REBALANCE_IN_PROGRESS");
  });

  it("unload answers waiting members with NOT_COORDINATOR", async () => {
    const { group } = setup(5000);
    const a = await joinNew(group);
    group.unload();
    expect((await a.result).error).toBe("NOT_COORDINATOR");
  });
});
