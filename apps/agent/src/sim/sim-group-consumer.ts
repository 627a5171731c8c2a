import type { CandidateAgent, GroupCoordinator } from "../groups/group-coordinator.ts";
import type { GroupError, JoinMember, MemberIdentity } from "../groups/group-types.ts";
import { commitMetadata, type GroupObservations } from "./group-observations.ts";
import type { SimGroupAgent } from "./sim-group-agent.ts";
import type { Owner, SimScheduler } from "./sim-scheduler.ts";

export interface SimGroupConsumerOptions {
  name: string;
  /** group.instance.id of a static member, which keeps its place across restarts. */
  groupInstanceId: string | null;
  clusterId: string;
  groupId: string;
  topic: string;
  partitions: number;
  sessionTimeoutMs: number;
  rebalanceTimeoutMs: number;
  scheduler: SimScheduler;
  /** The agent registry as clients reach it (bootstrap servers); some may be down. */
  agents: ReadonlyMap<Owner, SimGroupAgent>;
  observations: GroupObservations;
  assignor: Assignor;
  /** Whether the simulation may still pause this consumer past its session (a long GC pause). */
  mayPause: () => boolean;
}

/** Why the heartbeat loop ended: rejoin, or the consumer was stopped. */
type AfterStable = "rejoin" | "stopped";

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** What the leader's assignor computes from JoinGroup's members. */
export type Assignor = (
  members: readonly JoinMember[],
  partitions: number,
) => { memberId: string; assignment: Uint8Array }[];

/** A range-like assignment: members sorted by id, each a contiguous run of partitions. */
export const rangeAssignment: Assignor = (members, partitions) => {
  const ids = members.map((m) => m.memberId).sort();
  const per = Math.floor(partitions / ids.length);
  const extra = partitions % ids.length;
  let next = 0;
  return ids.map((memberId, i) => {
    const owned = Array.from({ length: per + (i < extra ? 1 : 0) }, (_, k) => next + k);
    next += owned.length;
    return { memberId, assignment: encodeAssignment(owned) };
  });
};

export const encodeAssignment = (partitions: readonly number[]) =>
  encoder.encode(JSON.stringify(partitions));

/**
 * A classic-protocol consumer, as Kafka clients behave: FindCoordinator, JoinGroup (with
 * MEMBER_ID_REQUIRED), SyncGroup (the leader computing the assignment), then heartbeats and
 * offset commits; it finds the coordinator again on NOT_COORDINATOR or a closed connection and
 * rejoins on REBALANCE_IN_PROGRESS, ILLEGAL_GENERATION and UNKNOWN_MEMBER_ID (forgetting its
 * member id on the latter).
 */
export class SimGroupConsumer {
  memberId = "";
  generation = -1;
  assignment: number[] = [];
  /** Joined, synced and heartbeating without an error since. */
  stable = false;
  private stopped = false;
  private coordinator: SimGroupAgent | undefined;
  private readonly positions = new Map<number, bigint>();
  private pausedUntil = 0;
  private readonly clock;

  constructor(private readonly options: SimGroupConsumerOptions) {
    this.clock = options.scheduler.clockFor(`client-${options.name}`);
  }

  get name(): string {
    return this.options.name;
  }

  get groupInstanceId(): string | null {
    return this.options.groupInstanceId;
  }

  start(): void {
    void this.run();
    void this.commitLoop();
  }

  /** Leaves the group (LeaveGroup) and stops. */
  /** The client process dies: it sends nothing more (its requests in flight still arrive). */
  crash(): void {
    this.stopped = true;
    this.stable = false;
  }

  async leave(): Promise<void> {
    const o = this.options;
    this.stopped = true;
    this.stable = false;
    if (this.memberId === "") return;
    await this.request("LeaveGroup", (c) =>
      c.leave(this.options.clusterId, this.options.groupId, [
        { memberId: this.memberId, groupInstanceId: o.groupInstanceId },
      ]),
    ).catch(() => undefined);
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      try {
        if (await this.joinAndSync()) {
          if ((await this.heartbeatUntilRebalance()) === "stopped") return;
        }
      } catch {
        // The connection closed or the coordinator failed: find it again, keep the membership.
        this.coordinator = undefined;
        this.stable = false;
        await this.sleep(50 + this.options.scheduler.int(200));
      }
    }
  }

  /** One JoinGroup + SyncGroup round; true once the consumer holds its assignment. */
  private async joinAndSync(): Promise<boolean> {
    this.stable = false;
    const o = this.options;
    const joined = await this.request("JoinGroup", (c) =>
      c.join(o.clusterId, o.groupId, {
        memberId: this.memberId,
        groupInstanceId: o.groupInstanceId,
        clientId: o.name,
        clientHost: "/sim",
        sessionTimeoutMs: o.sessionTimeoutMs,
        rebalanceTimeoutMs: o.rebalanceTimeoutMs,
        protocolType: "consumer",
        protocols: [{ name: "range", metadata: encoder.encode(o.topic) }],
        requireKnownMemberId: true,
      }),
    );
    o.observations.answered("JoinGroup", joined.error);
    if (joined.error === "MEMBER_ID_REQUIRED") {
      this.memberId = joined.memberId;
      return false;
    }
    if (joined.error !== null) {
      await this.onError(joined.error);
      return false;
    }
    this.memberId = joined.memberId;
    this.generation = joined.generationId;
    o.observations.joined(this.memberId, this.generation);
    const assignments =
      joined.leaderId === this.memberId ? o.assignor(joined.members, o.partitions) : [];
    const synced = await this.request("SyncGroup", (c) =>
      c.sync(o.clusterId, o.groupId, {
        memberId: this.memberId,
        groupInstanceId: o.groupInstanceId,
        generationId: this.generation,
        protocolType: "consumer",
        protocolName: "range",
        assignments,
      }),
    );
    o.observations.answered("SyncGroup", synced.error);
    if (synced.error !== null) {
      await this.onError(synced.error);
      return false;
    }
    this.assignment = JSON.parse(decoder.decode(synced.assignment)) as number[];
    o.observations.assigned(o.groupInstanceId ?? this.memberId, this.generation, this.assignment);
    await this.fetchPositions();
    return true;
  }

  /** OffsetFetch: where consumption resumes on the newly assigned partitions. */
  private async fetchPositions(): Promise<void> {
    this.positions.clear();
    if (this.assignment.length === 0) return;
    const o = this.options;
    const fetched = await this.request("OffsetFetch", (c) =>
      c.fetchOffsets(o.clusterId, o.groupId, [o.topic]),
    );
    if (fetched === "NOT_COORDINATOR") this.coordinator = undefined;
    for (const p of this.assignment) {
      const stored =
        fetched === "NOT_COORDINATOR" ? undefined : fetched.find((f) => f.partition === p);
      this.positions.set(p, stored?.offset ?? 0n);
    }
  }

  private async heartbeatUntilRebalance(): Promise<AfterStable> {
    const o = this.options;
    this.stable = true;
    while (!this.stopped) {
      await this.sleep(o.sessionTimeoutMs / 3);
      if (o.mayPause() && o.scheduler.chance(0.05)) {
        // A long pause (GC, a stuck poll loop): nothing is sent, the session may expire.
        this.stable = false;
        const pauseMs = o.sessionTimeoutMs * (1 + o.scheduler.random());
        this.pausedUntil = o.scheduler.now + pauseMs;
        await this.sleep(pauseMs);
      }
      if (this.stopped) return "stopped";
      const error = await this.request("Heartbeat", (c) =>
        c.heartbeat(o.clusterId, o.groupId, this.identity()),
      );
      o.observations.answered("Heartbeat", error);
      if (error === null) {
        this.stable = true;
        continue;
      }
      this.stable = false;
      if (await this.onError(error)) return "rejoin";
    }
    return "stopped";
  }

  /**
   * Offset commits, concurrent with the heartbeats as a Kafka client's poll loop is with its
   * heartbeat thread: a commit may carry a generation a rebalance has since ended.
   */
  private async commitLoop(): Promise<void> {
    const o = this.options;
    const intervalMs = 200 + o.scheduler.int(2000);
    while (!this.stopped) {
      await this.sleep(intervalMs);
      const out = this.generation < 0 || this.positions.size === 0;
      if (out || o.scheduler.now < this.pausedUntil || !this.coordinator) continue;
      // Consumed some records: commit the new positions, tagged with who committed them.
      for (const [p, at] of this.positions)
        this.positions.set(p, at + BigInt(1 + o.scheduler.int(10)));
      const identity = this.identity();
      const offsets = [...this.positions].map(([partition, offset]) => ({
        topic: o.topic,
        partition,
        offset,
        leaderEpoch: -1,
        metadata: commitMetadata(identity.memberId, identity.generationId),
      }));
      const error = await this.request("OffsetCommit", (c) =>
        c.commitOffsets(o.clusterId, o.groupId, identity, offsets),
      ).catch(() => "failed");
      o.observations.answered("OffsetCommit", error);
      if (error === "NOT_COORDINATOR") this.coordinator = undefined;
    }
  }

  private identity(): MemberIdentity {
    return {
      memberId: this.memberId,
      groupInstanceId: this.options.groupInstanceId,
      generationId: this.generation,
    };
  }

  /** Reacts to an error as Kafka clients do; true when the consumer must rejoin. */
  private async onError(error: GroupError): Promise<boolean> {
    switch (error) {
      case "NOT_COORDINATOR":
      case "COORDINATOR_NOT_AVAILABLE":
        this.coordinator = undefined;
        await this.sleep(20 + this.options.scheduler.int(100));
        return false;
      case "UNKNOWN_MEMBER_ID":
      case "FENCED_INSTANCE_ID":
        // Out of the group: its partitions are gone, it commits nothing until it is back.
        this.memberId = "";
        this.generation = -1;
        this.assignment = [];
        this.positions.clear();
        return true;
      case "REBALANCE_IN_PROGRESS":
      case "ILLEGAL_GENERATION":
        return true;
      default:
        this.options.observations.problem(`${this.name} got ${error}`);
        await this.sleep(100);
        return true;
    }
  }

  /** One request to the group's coordinator, found first if unknown (FindCoordinator). */
  private async request<T>(
    api: string,
    send: (coordinator: GroupCoordinator<CandidateAgent>) => Promise<T>,
  ): Promise<T> {
    const agent = this.coordinator ?? (await this.findCoordinator());
    const id = this.options.observations.requestSent(this.name, api);
    try {
      return await agent.call(send);
    } finally {
      this.options.observations.requestAnswered(id);
    }
  }

  /** FindCoordinator to any listed agent, until the agent it names is reachable. */
  private async findCoordinator(): Promise<SimGroupAgent> {
    const o = this.options;
    for (;;) {
      const listed = [...o.agents.values()];
      const asked = listed[o.scheduler.int(listed.length)];
      if (asked) {
        const found = await asked
          .call((c) => c.coordinatorOf(o.clusterId, o.groupId))
          .catch(() => undefined);
        const agent = found && o.agents.get(found.id);
        if (agent?.isAlive) return (this.coordinator = agent);
      }
      await this.sleep(20 + o.scheduler.int(100));
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => this.clock.schedule(ms, resolve));
  }
}
