import type { Logger } from "pino";
import { Reader, decodeConsumerProtocolSubscription } from "@streambed/protocol";
import { groupCoordinator } from "../cluster/ownership.ts";
import { agentsWithRole } from "../cluster/roles.ts";
import { ClassicGroup } from "./classic-group.ts";
import type {
  CommittedOffset,
  GroupListing,
  GroupStore,
  PartitionLag,
} from "../metadata/group-store.ts";
import type {
  GroupError,
  GroupSettings,
  GroupSnapshot,
  JoinRequest,
  JoinResult,
  LeaveMember,
  LeaveResult,
  MemberIdentity,
  SyncRequest,
  SyncResult,
  Timers,
} from "./group-types.ts";

/** A live agent as the coordinator choice sees it (a LiveAgent fits). */
export interface CandidateAgent {
  id: string;
  roles?: readonly string[];
}

/** The agents that can coordinate groups: AgentRegistry fits. */
export interface CoordinatorCandidates<A extends CandidateAgent> {
  readonly self: { id: string };
  liveAgents(clusterId: string): Promise<A[]>;
}

export interface GroupCoordinatorOptions<A extends CandidateAgent> {
  store: GroupStore;
  agents: CoordinatorCandidates<A>;
  settings: GroupSettings;
  timers: Timers;
  newMemberId: (clientId: string) => string;
  logger: Pick<Logger, "warn" | "info">;
  /** How often groups this agent no longer coordinates are unloaded. Default 1000 ms. */
  sweepIntervalMs?: number;
}

export type GroupDescription = { error: GroupError } | { error: null; snapshot: GroupSnapshot };

type Acquired = ClassicGroup | null | "NOT_COORDINATOR";

/** A loaded group and the generation it was last stored at (null: never stored). */
interface PersistedGroup {
  generation: number | null;
  group?: ClassicGroup;
}

const groupKey = (clusterId: string, groupId: string) => `${clusterId}\u0000${groupId}`;

/**
 * Runs the consumer groups this agent coordinates. The coordinator of a group is the live agent
 * the group id hashes to; a group is loaded from the store when this agent becomes its
 * coordinator and unloaded (its waiting members told NOT_COORDINATOR) when another agent does.
 * Stable points are persisted, so the next coordinator continues with the same members,
 * generation and assignments.
 */
export class GroupCoordinator<A extends CandidateAgent> {
  private readonly groups = new Map<string, Promise<ClassicGroup | null>>();
  private readonly persisting = new Map<string, Promise<boolean>>();
  private sweeper: unknown = null;

  constructor(private readonly options: GroupCoordinatorOptions<A>) {
    this.scheduleSweep();
  }

  /** The live agent coordinating `key` (a group id) in the cluster. */
  async coordinatorOf(clusterId: string, key: string): Promise<CandidateAgent> {
    const agents = await this.options.agents.liveAgents(clusterId);
    return groupCoordinator(clusterId, key, this.candidates(agents))!;
  }

  async join(clusterId: string, groupId: string, req: JoinRequest): Promise<JoinResult> {
    const group = await this.acquire(clusterId, groupId, true);
    if (group === "NOT_COORDINATOR" || group === null) {
      return {
        error: "NOT_COORDINATOR",
        generationId: -1,
        protocolType: null,
        protocolName: null,
        leaderId: "",
        memberId: req.memberId,
        members: [],
      };
    }
    return group.join(req);
  }

  async sync(clusterId: string, groupId: string, req: SyncRequest): Promise<SyncResult> {
    const group = await this.acquire(clusterId, groupId, false);
    if (group === "NOT_COORDINATOR" || group === null) {
      return {
        error: group ?? "UNKNOWN_MEMBER_ID",
        protocolType: null,
        protocolName: null,
        assignment: new Uint8Array(0),
      };
    }
    return group.sync(req);
  }

  async heartbeat(
    clusterId: string,
    groupId: string,
    id: MemberIdentity,
  ): Promise<GroupError | null> {
    const group = await this.acquire(clusterId, groupId, false);
    if (group === "NOT_COORDINATOR" || group === null) return group ?? "UNKNOWN_MEMBER_ID";
    return group.heartbeat(id);
  }

  async leave(
    clusterId: string,
    groupId: string,
    members: LeaveMember[],
  ): Promise<{ error: GroupError | null; members: LeaveResult[] }> {
    const group = await this.acquire(clusterId, groupId, false);
    if (group === "NOT_COORDINATOR") return { error: group, members: [] };
    if (group === null)
      return { error: null, members: members.map((m) => ({ ...m, error: "UNKNOWN_MEMBER_ID" })) };
    return { error: null, members: group.leave(members) };
  }

  /** Validates the committer and stores the offsets; null on success. */
  async commitOffsets(
    clusterId: string,
    groupId: string,
    id: MemberIdentity,
    offsets: CommittedOffset[],
  ): Promise<GroupError | null> {
    const simpleCommit = id.generationId < 0 && id.memberId === "";
    const group = await this.acquire(clusterId, groupId, simpleCommit);
    if (group === "NOT_COORDINATOR") return group;
    if (group === null) return id.generationId < 0 ? "UNKNOWN_MEMBER_ID" : "ILLEGAL_GENERATION";
    const error = group.validateOffsetCommit(id);
    if (error) return error;
    await this.persisting.get(groupKey(clusterId, groupId));
    // A member's commit is fenced in the store too: the group may have moved on meanwhile.
    const generation = id.generationId >= 0 ? id.generationId : undefined;
    const stored = await this.options.store.commitOffsets(clusterId, groupId, offsets, generation);
    return stored ? null : "ILLEGAL_GENERATION";
  }

  async fetchOffsets(
    clusterId: string,
    groupId: string,
    topics: readonly string[] | null,
  ): Promise<CommittedOffset[] | "NOT_COORDINATOR"> {
    if (!(await this.owns(clusterId, groupId))) return "NOT_COORDINATOR";
    return this.options.store.fetchOffsets(clusterId, groupId, topics);
  }

  /**
   * Deletes committed offsets. While the group has members, offsets of topics they subscribe to
   * stay (GROUP_SUBSCRIBED_TO_TOPIC per partition, as in Kafka).
   */
  async deleteOffsets(
    clusterId: string,
    groupId: string,
    partitions: { topic: string; partition: number }[],
  ): Promise<{ error: GroupError | null; subscribed: Set<string> }> {
    const group = await this.acquire(clusterId, groupId, false);
    if (group === "NOT_COORDINATOR") return { error: group, subscribed: new Set() };
    // A group that only ever committed offsets (manual assignment) exists too, as in Kafka.
    if (group === null) {
      if (!(await this.hasOffsets(clusterId, groupId)))
        return { error: "GROUP_ID_NOT_FOUND", subscribed: new Set() };
      await this.options.store.deleteOffsets(clusterId, groupId, partitions);
      return { error: null, subscribed: new Set() };
    }
    // Kafka knows the subscriptions of "consumer" groups only; others must be empty.
    if (group.state !== "Empty" && group.protocolType !== "consumer")
      return { error: "NON_EMPTY_GROUP", subscribed: new Set() };
    const subscribed = subscribedTopics(group.snapshot());
    await this.options.store.deleteOffsets(
      clusterId,
      groupId,
      partitions.filter((p) => !subscribed.has(p.topic)),
    );
    return { error: null, subscribed };
  }

  async describe(clusterId: string, groupId: string): Promise<GroupDescription> {
    const group = await this.acquire(clusterId, groupId, false);
    if (group === "NOT_COORDINATOR") return { error: group };
    if (group === null) {
      // A group that only has committed offsets (standalone commits) is an Empty group in Kafka.
      if (!(await this.hasOffsets(clusterId, groupId))) return { error: "GROUP_ID_NOT_FOUND" };
      return {
        error: null,
        snapshot: {
          groupId,
          state: "Empty",
          generationId: 0,
          protocolType: null,
          protocolName: null,
          leaderId: null,
          members: [],
        },
      };
    }
    return { error: null, snapshot: group.snapshot() };
  }

  /** Groups this agent coordinates (clients ask every broker and merge), optionally of some states. */
  async list(clusterId: string, states: readonly string[]): Promise<GroupListing[]> {
    const [stored, agents] = await Promise.all([
      this.options.store.list(clusterId),
      this.options.agents.liveAgents(clusterId),
    ]);
    const candidates = this.candidates(agents);
    const selfId = this.options.agents.self.id;
    const wanted = new Set(states.map((s) => s.toLowerCase()));
    const listings: GroupListing[] = [];
    for (const listing of stored) {
      if (groupCoordinator(clusterId, listing.groupId, candidates)?.id !== selfId) continue;
      const loaded = await this.groups.get(groupKey(clusterId, listing.groupId))?.catch(() => null);
      const current: GroupListing = loaded
        ? { groupId: listing.groupId, protocolType: loaded.protocolType, state: loaded.state }
        : listing;
      if (current.state === "Dead") continue;
      if (wanted.size === 0 || wanted.has(current.state.toLowerCase())) listings.push(current);
    }
    return listings;
  }

  async deleteGroup(clusterId: string, groupId: string): Promise<GroupError | null> {
    const key = groupKey(clusterId, groupId);
    const group = await this.acquire(clusterId, groupId, false);
    if (group === "NOT_COORDINATOR") return group;
    const entry = this.groups.get(key);
    if (group === null) {
      if (!(await this.hasOffsets(clusterId, groupId))) return "GROUP_ID_NOT_FOUND";
    } else {
      if (group.state !== "Empty") return "NON_EMPTY_GROUP";
      group.markDead();
    }
    await this.persisting.get(key);
    await this.options.store.delete(clusterId, groupId);
    // A member may have started a new group of that name meanwhile: keep it.
    if (this.groups.get(key) === entry) this.groups.delete(key);
    return null;
  }

  lag(clusterId: string, groupId: string): Promise<PartitionLag[]> {
    return this.options.store.lag(clusterId, groupId);
  }

  /** Unloads every group (shutdown): waiting members are told to find the new coordinator. */
  async close(): Promise<void> {
    this.options.timers.clear(this.sweeper);
    for (const key of [...this.groups.keys()]) await this.unload(key);
    await Promise.all(this.persisting.values());
  }

  private async acquire(clusterId: string, groupId: string, create: boolean): Promise<Acquired> {
    const key = groupKey(clusterId, groupId);
    if (!(await this.owns(clusterId, groupId))) {
      await this.unload(key);
      return "NOT_COORDINATOR";
    }
    for (;;) {
      let entry = this.groups.get(key);
      if (!entry) {
        entry = this.load(clusterId, groupId);
        this.groups.set(key, entry);
        entry.catch(() => this.groups.delete(key));
      }
      const group = await entry;
      // Another request replaced the entry while this one waited: look again.
      if (this.groups.get(key) !== entry) continue;
      if (group && group.state !== "Dead") return group;
      if (!create) return null;
      const fresh = this.newGroup(clusterId, groupId);
      this.groups.set(key, Promise.resolve(fresh));
      return fresh;
    }
  }

  private async load(clusterId: string, groupId: string): Promise<ClassicGroup | null> {
    // A write of this group by this agent may still be in flight from before it was unloaded.
    await this.persisting.get(groupKey(clusterId, groupId));
    const snapshot = await this.options.store.load(clusterId, groupId);
    if (!snapshot) return null;
    this.options.logger.info(
      { clusterId, groupId, generation: snapshot.generationId, members: snapshot.members.length },
      "group loaded",
    );
    const persisted: PersistedGroup = { generation: snapshot.generationId };
    return (persisted.group = ClassicGroup.restore(
      snapshot,
      this.options.settings,
      this.options.timers,
      this.hooks(clusterId, persisted),
    ));
  }

  private newGroup(clusterId: string, groupId: string): ClassicGroup {
    const persisted: PersistedGroup = { generation: null };
    return (persisted.group = new ClassicGroup(
      groupId,
      this.options.settings,
      this.options.timers,
      this.hooks(clusterId, persisted),
    ));
  }

  private hooks(clusterId: string, persisted: PersistedGroup) {
    return {
      newMemberId: this.options.newMemberId,
      onSnapshot: (snapshot: GroupSnapshot): Promise<boolean> => {
        if (snapshot.state === "Dead") return Promise.resolve(true);
        const key = groupKey(clusterId, snapshot.groupId);
        const previous = this.persisting.get(key) ?? Promise.resolve(true);
        const write = previous
          .then(() => this.options.store.save(clusterId, snapshot, persisted.generation))
          .catch((err: unknown) => {
            this.options.logger.warn(
              { err, clusterId, groupId: snapshot.groupId },
              "could not persist group",
            );
            return false;
          })
          .then((stored) => {
            if (stored) persisted.generation = snapshot.generationId;
            // Another agent moved the group on, or the write failed (it may have taken effect):
            // what is stored is the group, read again on the next request.
            else void this.unloadGroup(key, persisted.group);
            return stored;
          });
        this.persisting.set(key, write);
        void write.then(() => {
          if (this.persisting.get(key) === write) this.persisting.delete(key);
        });
        return write;
      },
    };
  }

  /** Unloads `group` if it is still the loaded one. */
  private async unloadGroup(key: string, group: ClassicGroup | undefined): Promise<void> {
    const entry = this.groups.get(key);
    if (entry && (await entry.catch(() => null)) === group && this.groups.get(key) === entry)
      await this.unload(key);
  }

  private async owns(clusterId: string, groupId: string): Promise<boolean> {
    return (await this.coordinatorOf(clusterId, groupId)).id === this.options.agents.self.id;
  }

  /**
   * Agents that may coordinate: live agents with the "groups" role (every live agent when none
   * has it). An agent missing from the live list (its heartbeats fail) does not coordinate, unless
   * it sees no agent at all.
   */
  private candidates(agents: A[]): CandidateAgent[] {
    return agents.length > 0
      ? agentsWithRole(agents, "groups")
      : [{ id: this.options.agents.self.id }];
  }

  private async unload(key: string): Promise<void> {
    const entry = this.groups.get(key);
    if (!entry) return;
    this.groups.delete(key);
    const group = await entry.catch(() => null);
    group?.unload();
  }

  private async hasOffsets(clusterId: string, groupId: string): Promise<boolean> {
    return (await this.options.store.fetchOffsets(clusterId, groupId, null)).length > 0;
  }

  /** Sweeps every interval, through the injected timers (so the simulation's clock drives it too). */
  private scheduleSweep(): void {
    this.sweeper = this.options.timers.set(() => {
      this.scheduleSweep();
      void this.sweep();
    }, this.options.sweepIntervalMs ?? 1000);
  }

  private async sweep(): Promise<void> {
    for (const key of [...this.groups.keys()]) {
      const [clusterId, groupId] = key.split("\u0000") as [string, string];
      try {
        if (!(await this.owns(clusterId, groupId))) {
          this.options.logger.info({ clusterId, groupId }, "group moved to another coordinator");
          await this.unload(key);
          continue;
        }
        // An idle group is read again from the store when asked for: what the jobs role does
        // there (offset expiry removes long-empty groups) is what clients see.
        const entry = this.groups.get(key);
        const group = await entry?.catch(() => null);
        if (group?.idle && this.groups.get(key) === entry && !this.persisting.has(key))
          await this.unload(key);
      } catch (err) {
        this.options.logger.warn({ err }, "group ownership check failed");
      }
    }
  }
}

/** Topics the members of a consumer-protocol group subscribe to (from their join metadata). */
function subscribedTopics(snapshot: GroupSnapshot): Set<string> {
  const topics = new Set<string>();
  if (snapshot.protocolType !== "consumer" || snapshot.state === "Empty") return topics;
  for (const m of snapshot.members) {
    const metadata = m.protocols.find((p) => p.name === snapshot.protocolName)?.metadata;
    if (!metadata || metadata.length < 2) continue;
    try {
      const r = new Reader(Buffer.from(metadata));
      const version = r.int16();
      for (const t of decodeConsumerProtocolSubscription(r, Math.min(version, 3)).topics)
        topics.add(t);
    } catch {
      // Unreadable metadata subscribes to nothing we can tell.
    }
  }
  return topics;
}
