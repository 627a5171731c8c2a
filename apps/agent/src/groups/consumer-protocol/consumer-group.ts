import type { Timers } from "../group-types.ts";
import {
  isEmptyAssignment,
  sameAssignment,
  subtract,
  union,
  type Assignment,
} from "./assignment.ts";
import { assignors, defaultAssignorName } from "./assignors.ts";
import {
  JOIN_EPOCH,
  LEAVE_EPOCH,
  STATIC_LEAVE_EPOCH,
  type ConsumerGroupError,
  type ConsumerGroupSettings,
  type ConsumerGroupSnapshot,
  type ConsumerGroupState,
  type ConsumerMember,
  type HeartbeatRequest,
  type HeartbeatResult,
  type SubscribedTopic,
} from "./consumer-group-types.ts";
import { reconcile } from "./reconciliation.ts";

export interface ConsumerGroupHooks {
  /** Called after every change, in order: the coordinator persists it. */
  onSnapshot(snapshot: ConsumerGroupSnapshot, state: ConsumerGroupState): void;
}

const fail = (error: ConsumerGroupError, message: string | null = null): HeartbeatResult => ({
  error,
  message,
});

/** Whole-name match, as Kafka's regex subscriptions (RE2/J) do; an invalid pattern matches nothing. */
function regexMatcher(pattern: string | null): (name: string) => boolean {
  if (pattern === null || pattern === "") return () => false;
  try {
    const re = new RegExp(`^(?:${pattern})$`);
    return (name) => re.test(name);
  } catch {
    return () => false;
  }
}

const sameList = (a: readonly string[], b: readonly string[]) =>
  a.length === b.length && a.every((x, i) => x === b[i]);

/**
 * A KIP-848 consumer group on its coordinator: members heartbeat, the group epoch counts
 * membership and subscription changes, the server-side assignor computes a target assignment
 * per group epoch, and each member reconciles towards its target (revoke before assign).
 * Pure apart from the injected timers (session and rebalance timeouts).
 */
export class ConsumerGroup {
  private readonly members = new Map<string, ConsumerMember>();
  private targetAssignment: Record<string, Assignment> = {};
  private subscribedTopics: SubscribedTopic[] = [];
  private groupEpoch = 0;
  private assignmentEpoch = 0;
  private readonly sessionTimers = new Map<string, unknown>();
  private readonly rebalanceTimers = new Map<string, unknown>();
  private unloaded = false;

  constructor(
    readonly groupId: string,
    private readonly settings: ConsumerGroupSettings,
    private readonly timers: Timers,
    private readonly hooks: ConsumerGroupHooks,
  ) {}

  /** The group as another coordinator persisted it; every member gets a fresh session. */
  static restore(
    snapshot: ConsumerGroupSnapshot,
    settings: ConsumerGroupSettings,
    timers: Timers,
    hooks: ConsumerGroupHooks,
  ): ConsumerGroup {
    const group = new ConsumerGroup(snapshot.groupId, settings, timers, hooks);
    group.groupEpoch = snapshot.groupEpoch;
    group.assignmentEpoch = snapshot.assignmentEpoch;
    group.targetAssignment = snapshot.targetAssignment;
    group.subscribedTopics = snapshot.subscribedTopics;
    for (const m of snapshot.members) {
      group.members.set(m.memberId, m);
      group.startSession(m.memberId);
      if (m.state === "UNREVOKED_PARTITIONS") group.startRebalanceTimer(m);
    }
    return group;
  }

  get state(): ConsumerGroupState {
    if (this.members.size === 0) return "Empty";
    if (this.groupEpoch > this.assignmentEpoch) return "Assigning";
    for (const m of this.members.values()) {
      if (m.memberEpoch !== this.assignmentEpoch || m.state !== "STABLE") return "Reconciling";
    }
    return "Stable";
  }

  get isEmpty(): boolean {
    return this.members.size === 0;
  }

  /** Topic names the group's members subscribe to by name, and whether any uses a regex. */
  subscriptions(): { names: Set<string>; regex: boolean } {
    const names = new Set<string>();
    let regex = false;
    for (const m of this.members.values()) {
      m.subscribedTopicNames.forEach((n) => names.add(n));
      regex ||= m.subscribedTopicRegex !== null && m.subscribedTopicRegex !== "";
    }
    return { names, regex };
  }

  /**
   * One ConsumerGroupHeartbeat. `topics` resolves (at least) every topic name subscribed to by
   * the group and the request, and every topic of the cluster when a regex is in use.
   */
  heartbeat(req: HeartbeatRequest, topics: ReadonlyMap<string, SubscribedTopic>): HeartbeatResult {
    if (req.memberEpoch === LEAVE_EPOCH || req.memberEpoch === STATIC_LEAVE_EPOCH)
      return this.leave(req);
    if (req.serverAssignor !== null && !assignors.has(req.serverAssignor))
      return fail("UNSUPPORTED_ASSIGNOR", `assignors: ${[...assignors.keys()].join(", ")}`);
    const before = this.members.get(req.memberId);
    const joined = req.memberEpoch === JOIN_EPOCH ? this.join(req) : this.validate(req, before);
    if ("error" in joined) return joined;
    const previous = joined.member;
    const member: ConsumerMember = {
      ...previous,
      clientId: req.clientId,
      clientHost: req.clientHost,
      instanceId: req.instanceId ?? previous.instanceId,
      rackId: req.rackId ?? previous.rackId,
      rebalanceTimeoutMs:
        req.rebalanceTimeoutMs >= 0 ? req.rebalanceTimeoutMs : previous.rebalanceTimeoutMs,
      subscribedTopicNames: req.subscribedTopicNames
        ? [...new Set(req.subscribedTopicNames)].sort()
        : previous.subscribedTopicNames,
      subscribedTopicRegex: req.subscribedTopicRegex ?? previous.subscribedTopicRegex,
      serverAssignor: req.serverAssignor ?? previous.serverAssignor,
    };
    const subscriptionChanged =
      joined.isNew ||
      !sameList(member.subscribedTopicNames, previous.subscribedTopicNames) ||
      member.subscribedTopicRegex !== previous.subscribedTopicRegex ||
      member.serverAssignor !== previous.serverAssignor;
    this.members.set(member.memberId, member);
    const metadataChanged = this.refreshSubscribedTopics(topics);
    if (subscriptionChanged || metadataChanged) this.groupEpoch += 1;
    if (this.groupEpoch > this.assignmentEpoch) this.computeTargetAssignment(topics);

    const reconciled: ConsumerMember = {
      ...member,
      ...reconcile(
        member,
        { epoch: this.assignmentEpoch, assignment: this.targetAssignment[member.memberId] ?? {} },
        this.heldByOthers(member.memberId),
        req.ownedPartitions,
      ),
    };
    this.members.set(reconciled.memberId, reconciled);
    this.startSession(reconciled.memberId);
    if (reconciled.state !== "UNREVOKED_PARTITIONS") this.stopRebalanceTimer(reconciled.memberId);
    else if (previous.state !== "UNREVOKED_PARTITIONS") this.startRebalanceTimer(reconciled);

    const changed = JSON.stringify(before) !== JSON.stringify(reconciled);
    if (changed || subscriptionChanged || metadataChanged) this.emit();
    const sendAssignment =
      req.memberEpoch === JOIN_EPOCH ||
      !sameAssignment(previous.assigned, reconciled.assigned) ||
      (req.ownedPartitions !== null && !sameAssignment(req.ownedPartitions, reconciled.assigned));
    return {
      error: null,
      memberId: reconciled.memberId,
      memberEpoch: reconciled.memberEpoch,
      heartbeatIntervalMs: this.settings.heartbeatIntervalMs,
      assignment: sendAssignment ? reconciled.assigned : null,
    };
  }

  /**
   * OffsetCommit/OffsetFetch by a member must carry its current epoch (KIP-848): an older one is
   * STALE_MEMBER_EPOCH (the member retries after its next heartbeat), a newer one is fenced.
   */
  validateMemberEpoch(memberId: string, memberEpoch: number): ConsumerGroupError | null {
    const member = this.members.get(memberId);
    if (!member) return "UNKNOWN_MEMBER_ID";
    if (memberEpoch > member.memberEpoch) return "FENCED_MEMBER_EPOCH";
    if (memberEpoch < member.memberEpoch) return "STALE_MEMBER_EPOCH";
    return null;
  }

  snapshot(): ConsumerGroupSnapshot {
    return {
      groupId: this.groupId,
      groupEpoch: this.groupEpoch,
      assignmentEpoch: this.assignmentEpoch,
      members: [...this.members.values()],
      targetAssignment: this.targetAssignment,
      subscribedTopics: this.subscribedTopics,
    };
  }

  /** The assignor the group uses: the one most members ask for, else the default. */
  assignorName(): string {
    const votes = new Map<string, number>();
    for (const m of this.members.values()) {
      if (m.serverAssignor !== null)
        votes.set(m.serverAssignor, (votes.get(m.serverAssignor) ?? 0) + 1);
    }
    let best = defaultAssignorName;
    let bestVotes = 0;
    for (const [name, n] of [...votes].sort()) {
      if (n > bestVotes) [best, bestVotes] = [name, n];
    }
    return best;
  }

  /** Another agent coordinates the group now: stop its timers. */
  unload(): void {
    this.unloaded = true;
    for (const t of [...this.sessionTimers.values(), ...this.rebalanceTimers.values()])
      this.timers.clear(t);
    this.sessionTimers.clear();
    this.rebalanceTimers.clear();
  }

  private join(
    req: HeartbeatRequest,
  ): { member: ConsumerMember; isNew: boolean } | HeartbeatResult {
    if (req.subscribedTopicNames === null && req.subscribedTopicRegex === null)
      return fail(
        "INVALID_REQUEST",
        "SubscribedTopicNames or SubscribedTopicRegex must be set when joining",
      );
    if (req.rebalanceTimeoutMs < 0)
      return fail("INVALID_REQUEST", "RebalanceTimeoutMs must be set when joining");
    if (req.ownedPartitions !== null && !isEmptyAssignment(req.ownedPartitions))
      return fail("INVALID_REQUEST", "TopicPartitions must be empty when joining");
    const existing = this.members.get(req.memberId);
    if (req.instanceId !== null) {
      const holder = [...this.members.values()].find((m) => m.instanceId === req.instanceId);
      if (holder && holder.memberId !== req.memberId) {
        if (holder.memberEpoch !== STATIC_LEAVE_EPOCH)
          return fail("UNRELEASED_INSTANCE_ID", `instance ${req.instanceId} is still in use`);
        // The static member is back under a new member id: it takes over its assignment.
        const target = this.targetAssignment[holder.memberId] ?? {};
        this.removeMember(holder.memberId, false);
        this.targetAssignment = { ...this.targetAssignment, [req.memberId]: target };
        const member = {
          ...holder,
          memberId: req.memberId,
          memberEpoch: holder.previousMemberEpoch,
        };
        return { member, isNew: false };
      }
    }
    if (existing) {
      // A member rejoining with epoch 0 lost its partitions (it was fenced): it starts over.
      return {
        member: {
          ...existing,
          memberEpoch: 0,
          previousMemberEpoch: 0,
          state: "STABLE",
          assigned: {},
          pendingRevocation: {},
        },
        isNew: false,
      };
    }
    if (this.members.size >= this.settings.maxSize) return fail("GROUP_MAX_SIZE_REACHED");
    return {
      member: {
        memberId: req.memberId,
        instanceId: req.instanceId,
        rackId: req.rackId,
        clientId: req.clientId,
        clientHost: req.clientHost,
        rebalanceTimeoutMs: req.rebalanceTimeoutMs,
        subscribedTopicNames: [],
        subscribedTopicRegex: null,
        serverAssignor: null,
        memberEpoch: 0,
        previousMemberEpoch: -1,
        state: "STABLE",
        assigned: {},
        pendingRevocation: {},
      },
      isNew: true,
    };
  }

  private validate(
    req: HeartbeatRequest,
    member: ConsumerMember | undefined,
  ): { member: ConsumerMember; isNew: boolean } | HeartbeatResult {
    if (!member) return fail("UNKNOWN_MEMBER_ID");
    if (
      member.instanceId !== null &&
      req.instanceId !== null &&
      req.instanceId !== member.instanceId
    )
      return fail("FENCED_INSTANCE_ID");
    if (req.memberEpoch === member.memberEpoch) return { member, isNew: false };
    // The member missed our last answer: its previous epoch is fine if it owns nothing new.
    const lostResponse =
      req.memberEpoch === member.previousMemberEpoch &&
      req.memberEpoch < member.memberEpoch &&
      req.ownedPartitions !== null &&
      isEmptyAssignment(subtract(req.ownedPartitions, member.assigned));
    if (lostResponse) return { member, isNew: false };
    return fail(
      "FENCED_MEMBER_EPOCH",
      `epoch ${req.memberEpoch} is not the member's epoch ${member.memberEpoch}`,
    );
  }

  private leave(req: HeartbeatRequest): HeartbeatResult {
    const member = this.members.get(req.memberId);
    if (!member) return fail("UNKNOWN_MEMBER_ID");
    if (req.memberEpoch === STATIC_LEAVE_EPOCH) {
      if (member.instanceId === null || member.instanceId !== req.instanceId)
        return fail("FENCED_INSTANCE_ID", "only a static member leaves with epoch -2");
      // It keeps its partitions (held, not consumed) until it is back or its session expires.
      this.members.set(member.memberId, {
        ...member,
        memberEpoch: STATIC_LEAVE_EPOCH,
        previousMemberEpoch: member.memberEpoch,
      });
      this.stopRebalanceTimer(member.memberId);
      this.emit();
    } else {
      this.removeMember(member.memberId, true);
    }
    return {
      error: null,
      memberId: member.memberId,
      memberEpoch: req.memberEpoch,
      heartbeatIntervalMs: 0,
      assignment: null,
    };
  }

  /** Removes a member; its partitions are free at once. A removal is a new group epoch. */
  private removeMember(memberId: string, bumpEpoch: boolean): void {
    this.members.delete(memberId);
    const { [memberId]: _removed, ...rest } = this.targetAssignment;
    this.targetAssignment = rest;
    this.stopSession(memberId);
    this.stopRebalanceTimer(memberId);
    if (bumpEpoch) {
      this.groupEpoch += 1;
      this.emit();
    }
  }

  private refreshSubscribedTopics(topics: ReadonlyMap<string, SubscribedTopic>): boolean {
    const subscribed = new Map<string, SubscribedTopic>();
    for (const m of this.members.values()) {
      for (const topic of this.topicsOf(m, topics)) subscribed.set(topic.name, topic);
    }
    const next = [...subscribed.values()].sort((a, b) => (a.name < b.name ? -1 : 1));
    const changed = JSON.stringify(next) !== JSON.stringify(this.subscribedTopics);
    this.subscribedTopics = next;
    return changed;
  }

  private topicsOf(
    member: ConsumerMember,
    topics: ReadonlyMap<string, SubscribedTopic>,
  ): SubscribedTopic[] {
    const matches = regexMatcher(member.subscribedTopicRegex);
    const found = new Map<string, SubscribedTopic>();
    for (const name of member.subscribedTopicNames) {
      const topic = topics.get(name);
      if (topic) found.set(name, topic);
    }
    for (const topic of topics.values()) if (matches(topic.name)) found.set(topic.name, topic);
    return [...found.values()];
  }

  private computeTargetAssignment(topics: ReadonlyMap<string, SubscribedTopic>): void {
    const assign = assignors.get(this.assignorName())!;
    const counts = new Map(this.subscribedTopics.map((t) => [t.id, t.partitions]));
    const target = assign(
      [...this.members.values()].map((m) => ({
        memberId: m.memberId,
        topicIds: this.topicsOf(m, topics).map((t) => t.id),
        current: this.targetAssignment[m.memberId] ?? {},
      })),
      counts,
    );
    this.targetAssignment = Object.fromEntries(target);
    this.assignmentEpoch = this.groupEpoch;
  }

  /** Partitions other members hold: assigned or not yet revoked. */
  private heldByOthers(memberId: string): Assignment {
    let held: Assignment = {};
    for (const m of this.members.values()) {
      if (m.memberId === memberId) continue;
      held = union(held, union(m.assigned, m.pendingRevocation));
    }
    return held;
  }

  private startSession(memberId: string): void {
    this.stopSession(memberId);
    this.sessionTimers.set(
      memberId,
      this.timers.set(() => {
        this.sessionTimers.delete(memberId);
        if (!this.unloaded && this.members.has(memberId)) this.removeMember(memberId, true);
      }, this.settings.sessionTimeoutMs),
    );
  }

  private stopSession(memberId: string): void {
    const t = this.sessionTimers.get(memberId);
    if (t !== undefined) this.timers.clear(t);
    this.sessionTimers.delete(memberId);
  }

  /** A member that does not revoke within its rebalance timeout is fenced (removed). */
  private startRebalanceTimer(member: ConsumerMember): void {
    this.stopRebalanceTimer(member.memberId);
    const epoch = member.memberEpoch;
    this.rebalanceTimers.set(
      member.memberId,
      this.timers.set(() => {
        this.rebalanceTimers.delete(member.memberId);
        const current = this.members.get(member.memberId);
        if (
          this.unloaded ||
          current?.state !== "UNREVOKED_PARTITIONS" ||
          current.memberEpoch !== epoch
        )
          return;
        this.removeMember(member.memberId, true);
      }, member.rebalanceTimeoutMs),
    );
  }

  private stopRebalanceTimer(memberId: string): void {
    const t = this.rebalanceTimers.get(memberId);
    if (t !== undefined) this.timers.clear(t);
    this.rebalanceTimers.delete(memberId);
  }

  private emit(): void {
    if (!this.unloaded) this.hooks.onSnapshot(this.snapshot(), this.state);
  }
}
