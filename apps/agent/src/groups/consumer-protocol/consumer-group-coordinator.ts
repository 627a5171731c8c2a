import type { Logger } from "pino";
import type { ConsumerGroupStore } from "../../metadata/consumer-group-store.ts";
import type { CommittedOffset, GroupStore } from "../../metadata/group-store.ts";
import type { TopicInfo } from "../../metadata/metadata-store.ts";
import type { Timers } from "../group-types.ts";
import { ConsumerGroup } from "./consumer-group.ts";
import type {
  ConsumerGroupError,
  ConsumerGroupSettings,
  ConsumerGroupSnapshot,
  ConsumerGroupState,
  HeartbeatRequest,
  HeartbeatResult,
  SubscribedTopic,
} from "./consumer-group-types.ts";

export interface ConsumerGroupCoordinatorOptions {
  store: ConsumerGroupStore;
  /** Where committed offsets live, for both kinds of group. */
  offsets: Pick<GroupStore, "commitOffsets">;
  /** Whether this agent coordinates the group id: the same choice as for classic groups. */
  isCoordinator(clusterId: string, groupId: string): Promise<boolean>;
  /** Whether a classic group of that id has members (it then keeps the id). */
  classicGroupActive(clusterId: string, groupId: string): Promise<boolean>;
  topicsByName(
    clusterId: string,
    names: readonly string[],
  ): Promise<Map<string, TopicInfo | undefined>>;
  allTopics(clusterId: string): Promise<TopicInfo[]>;
  settings: ConsumerGroupSettings;
  timers: Timers;
  logger: Pick<Logger, "warn" | "info">;
  /** How often groups this agent no longer coordinates are unloaded. Default 1000 ms. */
  sweepIntervalMs?: number;
}

export type ConsumerGroupDescription =
  | { error: ConsumerGroupError }
  | {
      error: null;
      state: ConsumerGroupState;
      assignorName: string;
      snapshot: ConsumerGroupSnapshot;
    };

const groupKey = (clusterId: string, groupId: string) => `${clusterId}\u0000${groupId}`;

/**
 * Runs the KIP-848 consumer groups this agent coordinates (the agent the group id hashes to, as
 * for classic groups). A group is loaded from Postgres when first asked for and every change is
 * written back in order, so the next coordinator continues with the same epochs and assignments.
 * A group id belongs to one protocol at a time: a classic group with members keeps it, and a
 * consumer group with members refuses classic members (see `yieldToClassic`).
 */
export class ConsumerGroupCoordinator {
  private readonly groups = new Map<string, Promise<ConsumerGroup | null>>();
  private readonly persisting = new Map<string, Promise<void>>();
  private readonly queues = new Map<string, Promise<void>>();
  private readonly sweeper: NodeJS.Timeout;

  constructor(private readonly options: ConsumerGroupCoordinatorOptions) {
    this.sweeper = setInterval(() => void this.sweep(), options.sweepIntervalMs ?? 1000);
    this.sweeper.unref();
  }

  async heartbeat(
    clusterId: string,
    groupId: string,
    req: HeartbeatRequest,
  ): Promise<HeartbeatResult> {
    if (!(await this.options.isCoordinator(clusterId, groupId))) {
      await this.unload(groupKey(clusterId, groupId));
      return { error: "NOT_COORDINATOR", message: null };
    }
    return this.serialized(clusterId, groupId, async () => {
      const group =
        (await this.loaded(clusterId, groupId)) ?? (await this.created(clusterId, groupId, req));
      if ("error" in group) return group;
      return group.heartbeat(req, await this.resolveTopics(clusterId, group, req));
    });
  }

  async describe(clusterId: string, groupId: string): Promise<ConsumerGroupDescription> {
    if (!(await this.options.isCoordinator(clusterId, groupId)))
      return { error: "NOT_COORDINATOR" };
    const group = await this.loaded(clusterId, groupId);
    if (!group) return { error: "GROUP_ID_NOT_FOUND" };
    return {
      error: null,
      state: group.state,
      assignorName: group.assignorName(),
      snapshot: group.snapshot(),
    };
  }

  /** Whether the group id is a consumer group here (false when another agent coordinates it). */
  async isConsumerGroup(clusterId: string, groupId: string): Promise<boolean> {
    if (!(await this.options.isCoordinator(clusterId, groupId))) return false;
    return (await this.loaded(clusterId, groupId)) !== null;
  }

  /**
   * OffsetCommit and OffsetFetch of a consumer group: a member gives its current epoch. Without
   * a member id (admin tools, `kafka-consumer-groups --reset-offsets`), and for a group that is
   * not a consumer group here (classic, or coordinated elsewhere), no check.
   */
  async validateMember(
    clusterId: string,
    groupId: string,
    memberId: string,
    memberEpoch: number,
  ): Promise<ConsumerGroupError | null> {
    if (memberId === "" && memberEpoch < 0) return null;
    if (!(await this.options.isCoordinator(clusterId, groupId))) return null;
    const group = await this.loaded(clusterId, groupId);
    return group ? group.validateMemberEpoch(memberId, memberEpoch) : null;
  }

  /** OffsetCommit to a consumer group: checked against the member's epoch, then stored. */
  async commitOffsets(
    clusterId: string,
    groupId: string,
    member: { memberId: string; memberEpoch: number },
    offsets: CommittedOffset[],
  ): Promise<ConsumerGroupError | null> {
    const error = await this.validateMember(
      clusterId,
      groupId,
      member.memberId,
      member.memberEpoch,
    );
    if (error) return error;
    await this.options.offsets.commitOffsets(clusterId, groupId, offsets);
    return null;
  }

  /**
   * A classic member wants the group id: refused while the consumer group has members
   * (INCONSISTENT_GROUP_PROTOCOL, as Kafka), else the empty consumer group gives way.
   */
  async yieldToClassic(clusterId: string, groupId: string): Promise<ConsumerGroupError | null> {
    if (!(await this.options.isCoordinator(clusterId, groupId))) return null;
    return this.serialized(clusterId, groupId, async () => {
      const group = await this.loaded(clusterId, groupId);
      if (!group) return null;
      if (!group.isEmpty) return "INCONSISTENT_GROUP_PROTOCOL";
      await this.remove(clusterId, groupId);
      return null;
    });
  }

  /** Deletes an empty consumer group (DeleteGroups); offsets are the caller's to delete. */
  async deleteGroup(clusterId: string, groupId: string): Promise<ConsumerGroupError | null> {
    return this.serialized(clusterId, groupId, async () => {
      const group = await this.loaded(clusterId, groupId);
      if (!group) return "GROUP_ID_NOT_FOUND";
      if (!group.isEmpty) return "NON_EMPTY_GROUP";
      await this.remove(clusterId, groupId);
      return null;
    });
  }

  /** Consumer groups this agent coordinates (clients ask every broker and merge). */
  async list(clusterId: string): Promise<{ groupId: string; state: ConsumerGroupState }[]> {
    const listings = [];
    for (const stored of await this.options.store.list(clusterId)) {
      if (!(await this.options.isCoordinator(clusterId, stored.groupId))) continue;
      const loaded = await this.groups.get(groupKey(clusterId, stored.groupId))?.catch(() => null);
      listings.push({ groupId: stored.groupId, state: loaded ? loaded.state : stored.state });
    }
    return listings;
  }

  async close(): Promise<void> {
    clearInterval(this.sweeper);
    for (const key of [...this.groups.keys()]) await this.unload(key);
    await Promise.all(this.persisting.values());
  }

  private async resolveTopics(
    clusterId: string,
    group: ConsumerGroup,
    req: HeartbeatRequest,
  ): Promise<Map<string, SubscribedTopic>> {
    const { names, regex } = group.subscriptions();
    req.subscribedTopicNames?.forEach((n) => names.add(n));
    const found =
      regex || (req.subscribedTopicRegex ?? "") !== ""
        ? await this.options.allTopics(clusterId)
        : [...(await this.options.topicsByName(clusterId, [...names])).values()];
    const topics = new Map<string, SubscribedTopic>();
    for (const t of found) {
      if (t) topics.set(t.name, { id: t.id, name: t.name, partitions: t.partitionCount });
    }
    return topics;
  }

  /** The group if it exists (loaded now if needed), null otherwise. */
  private async loaded(clusterId: string, groupId: string): Promise<ConsumerGroup | null> {
    const key = groupKey(clusterId, groupId);
    for (;;) {
      let entry = this.groups.get(key);
      if (!entry) {
        entry = this.load(clusterId, groupId);
        this.groups.set(key, entry);
        entry.catch(() => this.groups.delete(key));
      }
      const group = await entry;
      if (this.groups.get(key) === entry) return group;
    }
  }

  private async load(clusterId: string, groupId: string): Promise<ConsumerGroup | null> {
    // A write of this group by this agent may still be in flight from before it was unloaded.
    await this.persisting.get(groupKey(clusterId, groupId));
    const snapshot = await this.options.store.load(clusterId, groupId);
    if (!snapshot) return null;
    this.options.logger.info(
      { clusterId, groupId, groupEpoch: snapshot.groupEpoch, members: snapshot.members.length },
      "consumer group loaded",
    );
    return ConsumerGroup.restore(
      snapshot,
      this.options.settings,
      this.options.timers,
      this.hooks(clusterId),
    );
  }

  /** A new group for a joining member, unless a classic group with members has the id. */
  private async created(
    clusterId: string,
    groupId: string,
    req: HeartbeatRequest,
  ): Promise<ConsumerGroup | HeartbeatResult> {
    if (req.memberEpoch !== 0) return { error: "UNKNOWN_MEMBER_ID", message: null };
    if (await this.options.classicGroupActive(clusterId, groupId))
      return { error: "GROUP_ID_NOT_FOUND", message: `group ${groupId} is not a consumer group` };
    return this.create(clusterId, groupId);
  }

  /**
   * Runs the operations that change one group one after another: a heartbeat reads topics (and
   * may create the group) before it changes the group, and two must not interleave there.
   */
  private serialized<T>(clusterId: string, groupId: string, op: () => Promise<T>): Promise<T> {
    const key = groupKey(clusterId, groupId);
    const result = (this.queues.get(key) ?? Promise.resolve()).then(op);
    const settled = result.then(
      () => undefined,
      () => undefined,
    );
    this.queues.set(key, settled);
    void settled.then(() => {
      if (this.queues.get(key) === settled) this.queues.delete(key);
    });
    return result;
  }

  private create(clusterId: string, groupId: string): ConsumerGroup {
    const group = new ConsumerGroup(
      groupId,
      this.options.settings,
      this.options.timers,
      this.hooks(clusterId),
    );
    this.groups.set(groupKey(clusterId, groupId), Promise.resolve(group));
    return group;
  }

  private hooks(clusterId: string) {
    return {
      onSnapshot: (snapshot: ConsumerGroupSnapshot, state: ConsumerGroupState) =>
        this.persist(clusterId, snapshot.groupId, () =>
          this.options.store.save(clusterId, snapshot, state),
        ),
    };
  }

  /** Writes of one group happen in order, one at a time. */
  private persist(clusterId: string, groupId: string, write: () => Promise<void>): Promise<void> {
    const key = groupKey(clusterId, groupId);
    const previous = this.persisting.get(key) ?? Promise.resolve();
    const next = previous
      .then(write)
      .catch((err: unknown) =>
        this.options.logger.warn({ err, clusterId, groupId }, "could not persist consumer group"),
      );
    this.persisting.set(key, next);
    void next.then(() => {
      if (this.persisting.get(key) === next) this.persisting.delete(key);
    });
    return next;
  }

  private async remove(clusterId: string, groupId: string): Promise<void> {
    await this.unload(groupKey(clusterId, groupId));
    await this.persist(clusterId, groupId, () => this.options.store.delete(clusterId, groupId));
  }

  private async unload(key: string): Promise<void> {
    const entry = this.groups.get(key);
    if (!entry) return;
    this.groups.delete(key);
    (await entry.catch(() => null))?.unload();
  }

  /** Unloads, between operations on them, groups moved elsewhere and groups with no members. */
  private async sweep(): Promise<void> {
    for (const key of [...this.groups.keys()]) {
      const [clusterId, groupId] = key.split("\u0000") as [string, string];
      try {
        await this.serialized(clusterId, groupId, async () => {
          if (!(await this.options.isCoordinator(clusterId, groupId))) {
            this.options.logger.info(
              { clusterId, groupId },
              "consumer group moved to another coordinator",
            );
            return this.unload(key);
          }
          // A group that does not exist was only looked up, and an empty one is read again when
          // asked for: what the jobs role does there (offset expiry removes long-empty groups)
          // is what clients see.
          const group = await this.groups.get(key)?.catch(() => null);
          if ((!group || group.isEmpty) && !this.persisting.has(key)) await this.unload(key);
        });
      } catch (err) {
        this.options.logger.warn({ err }, "consumer group ownership check failed");
      }
    }
  }
}
