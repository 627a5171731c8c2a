import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { databaseForFile } from "../support/postgres-per-file.ts";
import { GroupCoordinator } from "../../src/groups/group-coordinator.ts";
import { PostgresGroupStore } from "../../src/metadata/postgres/groups.ts";
import type { GroupSnapshot, JoinRequest } from "../../src/groups/group-types.ts";
import { defaultGroupSettings, realTimers } from "../../src/groups/group-types.ts";

let database: Awaited<ReturnType<typeof databaseForFile>>;
beforeAll(async () => {
  database = await databaseForFile();
});
afterAll(() => database.close());

/** Two agents sharing one store; `live` decides which agents are alive. */
function fleet() {
  const live = new Set(["agent-a", "agent-b"]);
  let n = 0;
  const make = (id: string) =>
    new GroupCoordinator({
      store: new PostgresGroupStore(database.db.pool),
      agents: {
        self: { id },
        liveAgents: async () => [...live].filter((a) => a !== "dead").map((a) => ({ id: a })),
      },
      settings: { ...defaultGroupSettings, initialRebalanceDelayMs: 0 },
      timers: realTimers,
      newMemberId: (clientId) => `${clientId}-${++n}`,
      logger: pino({ level: "silent" }),
      sweepIntervalMs: 50,
    });
  return { live, a: make("agent-a"), b: make("agent-b") };
}

const join = (memberId: string): JoinRequest => ({
  memberId,
  groupInstanceId: null,
  clientId: "c",
  clientHost: "/127.0.0.1",
  sessionTimeoutMs: 10_000,
  rebalanceTimeoutMs: 10_000,
  protocolType: "consumer",
  protocols: [
    { name: "range", metadata: new Uint8Array([0, 0, 0, 0, 0, 1, 0, 1, 116, 255, 255, 255, 255]) },
  ],
  requireKnownMemberId: false,
});

describe("GroupCoordinator", () => {
  it("hands a stable group with its offsets to the next coordinator", async () => {
    const { live, a, b } = fleet();
    const groupId = "orders";
    const owner = (await a.coordinatorOf("c1", groupId)).id === "agent-a" ? a : b;
    const other = owner === a ? b : a;
    const ownerId = owner === a ? "agent-a" : "agent-b";

    expect((await other.join("c1", groupId, join(""))).error).toBe("NOT_COORDINATOR");
    const joined = await owner.join("c1", groupId, join(""));
    expect(joined).toMatchObject({ error: null, generationId: 1 });
    const synced = await owner.sync("c1", groupId, {
      memberId: joined.memberId,
      groupInstanceId: null,
      generationId: 1,
      protocolType: "consumer",
      protocolName: "range",
      assignments: [{ memberId: joined.memberId, assignment: new Uint8Array([1, 2, 3]) }],
    });
    expect(synced.error).toBeNull();
    const member = { memberId: joined.memberId, groupInstanceId: null, generationId: 1 };
    expect(
      await owner.commitOffsets("c1", groupId, member, [
        { topic: "t", partition: 0, offset: 42n, leaderEpoch: -1, metadata: null },
      ]),
    ).toBeNull();

    // The owner dies: the other agent loads the group and the member carries on in generation 1.
    live.delete(ownerId);
    expect(await other.heartbeat("c1", groupId, member)).toBeNull();
    expect(await other.fetchOffsets("c1", groupId, ["t"])).toEqual([
      { topic: "t", partition: 0, offset: 42n, leaderEpoch: -1, metadata: null },
    ]);
    const description = await other.describe("c1", groupId);
    expect(description).toMatchObject({
      error: null,
      snapshot: { state: "Stable", generationId: 1 },
    });
    expect(await owner.heartbeat("c1", groupId, member)).toBe("NOT_COORDINATOR");
    expect(await other.list("c1", ["Stable"])).toEqual([
      { groupId, protocolType: "consumer", state: "Stable" },
    ]);
    expect(await other.deleteGroup("c1", groupId)).toBe("NON_EMPTY_GROUP");
    expect(
      (await other.deleteOffsets("c1", groupId, [{ topic: "t", partition: 0 }])).subscribed,
    ).toEqual(new Set(["t"]));

    const left = await other.leave("c1", groupId, [
      { memberId: joined.memberId, groupInstanceId: null },
    ]);
    expect(left.members[0]!.error).toBeNull();
    await expect
      .poll(async () => (await other.list("c1", [])).map((g) => g.state))
      .toEqual(["Empty"]);
    expect(await other.deleteGroup("c1", groupId)).toBeNull();
    expect(await other.fetchOffsets("c1", groupId, null)).toEqual([]);
    await Promise.all([a.close(), b.close()]);
  });

  it("accepts commits from outside group management into an empty group and reports lag", async () => {
    const { a, b } = fleet();
    const owner = (await a.coordinatorOf("c2", "tool")).id === "agent-a" ? a : b;
    const simple = { memberId: "", groupInstanceId: null, generationId: -1 };
    const topicId = "00000000-0000-4000-8000-000000000001";
    await database.db.pool.query(
      "INSERT INTO topics (id, cluster_id, name, partition_count) VALUES ($1, 'c2', 'events', 1)",
      [topicId],
    );
    await database.db.pool.query(
      "INSERT INTO partitions (topic_id, partition, cluster_id, next_offset) VALUES ($1, 0, 'c2', 100)",
      [topicId],
    );
    expect(
      await owner.commitOffsets("c2", "tool", simple, [
        { topic: "events", partition: 0, offset: 60n, leaderEpoch: -1, metadata: "m" },
      ]),
    ).toBeNull();
    expect(await owner.lag("c2", "tool")).toEqual([
      { topic: "events", partition: 0, committedOffset: 60n, highWatermark: 100n, lag: 40n },
    ]);
    expect(await owner.list("c2", [])).toEqual([
      { groupId: "tool", protocolType: null, state: "Empty" },
    ]);
    await Promise.all([a.close(), b.close()]);
  });

  it("stores a group only from the generation it was read at, and members' commits only at the stored generation", async () => {
    const store = new PostgresGroupStore(database.db.pool);
    const snapshot = (generationId: number): GroupSnapshot => ({
      groupId: "fenced",
      state: "Stable",
      generationId,
      protocolType: "consumer",
      protocolName: "range",
      leaderId: null,
      members: [],
    });
    expect(await store.save("c4", snapshot(1), null)).toBe(true);
    // A second agent that also believed it created the group, or read generation 1 before
    // another agent moved it on, does not overwrite it.
    expect(await store.save("c4", snapshot(1), null)).toBe(false);
    expect(await store.save("c4", snapshot(3), 1)).toBe(true);
    expect(await store.save("c4", snapshot(2), 1)).toBe(false);
    expect((await store.load("c4", "fenced"))?.generationId).toBe(3);

    const offset = (n: bigint) => [
      { topic: "t", partition: 0, offset: n, leaderEpoch: -1, metadata: null },
    ];
    expect(await store.commitOffsets("c4", "fenced", offset(10n), 3)).toBe(true);
    // A coordinator the group moved away from validated a generation-2 commit: it must not land.
    expect(await store.commitOffsets("c4", "fenced", offset(5n), 2)).toBe(false);
    expect(await store.commitOffsets("c4", "unknown", offset(5n), 1)).toBe(false);
    expect(await store.commitOffsets("c4", "unknown", offset(7n))).toBe(true);
    expect((await store.fetchOffsets("c4", "fenced", null)).map((o) => o.offset)).toEqual([10n]);
  });

  it("coordinates only on agents with the groups role when some have it", async () => {
    const coordinator = new GroupCoordinator({
      store: new PostgresGroupStore(database.db.pool),
      agents: {
        self: { id: "agent-a" },
        liveAgents: async () => [
          { id: "agent-a", roles: ["produce", "fetch"] },
          { id: "agent-b", roles: ["groups"] },
        ],
      },
      settings: defaultGroupSettings,
      timers: realTimers,
      newMemberId: () => "m",
      logger: pino({ level: "silent" }),
    });
    for (const groupId of ["x", "y", "z"])
      expect((await coordinator.coordinatorOf("c3", groupId)).id).toBe("agent-b");
    expect((await coordinator.join("c3", "x", join(""))).error).toBe("NOT_COORDINATOR");
    await coordinator.close();
  });
});
