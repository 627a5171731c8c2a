import {
  memberSnapshot,
  newMember,
  noBytes,
  restoredMember,
  sameProtocols,
  updateMember,
  type Member,
} from "./group-member.ts";
import { JoinDeadline } from "./join-deadline.ts";
import { selectProtocol, supportsProtocols } from "./protocol-selection.ts";
import type {
  GroupError,
  GroupProtocol,
  GroupSettings,
  GroupSnapshot,
  GroupState,
  JoinRequest,
  JoinResult,
  LeaveMember,
  LeaveResult,
  MemberIdentity,
  SyncRequest,
  SyncResult,
  Timers,
} from "./group-types.ts";

export interface ClassicGroupHooks {
  /**
   * The group reached a stable point (Empty or Stable), a new generation (CompletingRebalance)
   * or died: persist it. Resolves true once stored, false when the write failed.
   */
  onSnapshot(snapshot: GroupSnapshot): Promise<boolean>;
  newMemberId(clientId: string): string;
}

/**
 * One consumer group under the classic rebalance protocol, as Kafka's GroupCoordinator runs
 * it: Empty -> PreparingRebalance -> CompletingRebalance -> Stable, Dead once deleted.
 * Pure in-memory logic; time comes from `timers`, persistence goes through `hooks`.
 */
export class ClassicGroup {
  private stateValue: GroupState = "Empty";
  private generation = 0;
  private protocolTypeValue: string | null = null;
  private protocolNameValue: string | null = null;
  private leader: string | null = null;
  private readonly members = new Map<string, Member>();
  /** Member ids handed out with MEMBER_ID_REQUIRED, waiting for the member's second join. */
  private readonly pending = new Map<string, unknown>();
  private readonly staticMembers = new Map<string, string>();
  private readonly joinDeadline: JoinDeadline;
  private syncTimer: unknown = null;
  private readonly synced = new Set<string>();
  private unloaded = false;
  /** The write of the current generation's snapshot: join answers carrying it wait for it. */
  private generationStored: Promise<boolean> = Promise.resolve(true);

  constructor(
    readonly groupId: string,
    private readonly settings: GroupSettings,
    private readonly timers: Timers,
    private readonly hooks: ClassicGroupHooks,
  ) {
    this.joinDeadline = new JoinDeadline(timers, settings.initialRebalanceDelayMs, () =>
      this.completeJoin(),
    );
  }

  /** Rebuilds a group another coordinator persisted; its members get a fresh session to reach us. */
  static restore(
    snapshot: GroupSnapshot,
    settings: GroupSettings,
    timers: Timers,
    hooks: ClassicGroupHooks,
  ): ClassicGroup {
    const group = new ClassicGroup(snapshot.groupId, settings, timers, hooks);
    group.generation = snapshot.generationId;
    group.protocolTypeValue = snapshot.protocolType;
    group.protocolNameValue = snapshot.protocolName;
    group.leader = snapshot.leaderId;
    for (const m of snapshot.members) {
      const member = restoredMember(m);
      group.members.set(m.memberId, member);
      if (m.groupInstanceId !== null) group.staticMembers.set(m.groupInstanceId, m.memberId);
      group.scheduleSession(member);
    }
    group.stateValue = group.members.size > 0 ? "Stable" : "Empty";
    // Stored mid-rebalance: the members may hold this generation but no assignment from it.
    if (snapshot.state === "CompletingRebalance" && group.members.size > 0)
      group.prepareRebalance();
    return group;
  }

  get state(): GroupState {
    return this.stateValue;
  }
  /** Empty and nobody on the way in: nothing lives only in memory, the stored snapshot is the group. */
  get idle(): boolean {
    return this.stateValue === "Empty" && this.members.size === 0 && this.pending.size === 0;
  }
  get generationId(): number {
    return this.generation;
  }
  get protocolType(): string | null {
    return this.protocolTypeValue;
  }
  get protocolName(): string | null {
    return this.protocolNameValue;
  }
  get leaderId(): string | null {
    return this.leader;
  }
  get memberCount(): number {
    return this.members.size;
  }

  snapshot(): GroupSnapshot {
    return {
      groupId: this.groupId,
      state: this.stateValue,
      generationId: this.generation,
      protocolType: this.protocolTypeValue,
      protocolName: this.protocolNameValue,
      leaderId: this.leader,
      members: [...this.members.values()].map(memberSnapshot),
    };
  }

  join(req: JoinRequest): Promise<JoinResult> {
    const fail = (error: GroupError, memberId = req.memberId): Promise<JoinResult> =>
      Promise.resolve(this.joinError(error, memberId));
    if (this.stateValue === "Dead") return fail("COORDINATOR_NOT_AVAILABLE");
    if (
      req.sessionTimeoutMs < this.settings.minSessionTimeoutMs ||
      req.sessionTimeoutMs > this.settings.maxSessionTimeoutMs
    ) {
      return fail("INVALID_SESSION_TIMEOUT");
    }
    if (!this.acceptsProtocols(req.protocolType, req.protocols))
      return fail("INCONSISTENT_GROUP_PROTOCOL");

    if (req.memberId === "") return this.joinUnknownMember(req);

    if (req.groupInstanceId !== null) {
      const current = this.staticMembers.get(req.groupInstanceId);
      if (current !== undefined && current !== req.memberId) return fail("FENCED_INSTANCE_ID");
    }
    if (this.pending.has(req.memberId)) {
      this.timers.clear(this.pending.get(req.memberId));
      this.pending.delete(req.memberId);
      return this.addMemberAndRebalance(req, req.memberId);
    }
    const member = this.members.get(req.memberId);
    if (!member) return fail("UNKNOWN_MEMBER_ID");
    return this.joinKnownMember(member, req);
  }

  private joinUnknownMember(req: JoinRequest): Promise<JoinResult> {
    if (req.groupInstanceId !== null) {
      const oldId = this.staticMembers.get(req.groupInstanceId);
      const newId = this.hooks.newMemberId(req.clientId);
      if (oldId !== undefined) return this.replaceStaticMember(oldId, newId, req);
      return this.addMemberAndRebalance(req, newId);
    }
    if (this.members.size + this.pending.size >= this.settings.maxSize) {
      return Promise.resolve(this.joinError("GROUP_MAX_SIZE_REACHED", ""));
    }
    const memberId = this.hooks.newMemberId(req.clientId);
    if (req.requireKnownMemberId) {
      // The member must come back with this id; forget it when it does not within the session timeout.
      this.pending.set(
        memberId,
        this.timers.set(() => {
          this.pending.delete(memberId);
          this.maybeCompleteJoin();
        }, req.sessionTimeoutMs),
      );
      return Promise.resolve(this.joinError("MEMBER_ID_REQUIRED", memberId));
    }
    return this.addMemberAndRebalance(req, memberId);
  }

  private joinKnownMember(member: Member, req: JoinRequest): Promise<JoinResult> {
    switch (this.stateValue) {
      case "PreparingRebalance":
        return this.awaitJoin(member, req);
      case "CompletingRebalance":
        if (sameProtocols(member.protocols, req.protocols)) {
          // A resent join (e.g. after a lost response): repeat this generation's answer.
          return this.answerOnceStored(member.memberId);
        }
        this.prepareRebalance();
        return this.awaitJoin(member, req);
      case "Stable":
        if (member.memberId === this.leader || !sameProtocols(member.protocols, req.protocols)) {
          this.prepareRebalance();
          return this.awaitJoin(member, req);
        }
        return Promise.resolve(this.joinResponse(member.memberId));
      default:
        return Promise.resolve(this.joinError("UNKNOWN_MEMBER_ID", req.memberId));
    }
  }

  /** A static member came back with a new member id: take over the old one's place. */
  private replaceStaticMember(oldId: string, newId: string, req: JoinRequest): Promise<JoinResult> {
    const old = this.members.get(oldId)!;
    old.awaitingJoin?.(this.joinError("FENCED_INSTANCE_ID", oldId));
    old.awaitingSync?.(syncError("FENCED_INSTANCE_ID"));
    this.timers.clear(old.sessionTimer);
    this.members.delete(oldId);
    const member = restoredMember({ ...memberSnapshot(old), memberId: newId });
    this.members.set(newId, member);
    this.staticMembers.set(req.groupInstanceId!, newId);
    const wasLeader = this.leader === oldId;
    if (wasLeader) this.leader = newId;
    if (this.synced.delete(oldId)) this.synced.add(newId);

    if (this.stateValue === "Stable" && sameProtocols(old.protocols, req.protocols)) {
      updateMember(member, req);
      this.scheduleSession(member);
      void this.hooks.onSnapshot(this.snapshot());
      // The old leader id is returned so that a returning leader does not compute a new
      // assignment the stable group would never distribute.
      return Promise.resolve({
        ...this.joinResponse(newId),
        leaderId: wasLeader ? oldId : (this.leader ?? ""),
      });
    }
    if (this.stateValue !== "PreparingRebalance") this.prepareRebalance();
    return this.awaitJoin(member, req);
  }

  private addMemberAndRebalance(req: JoinRequest, memberId: string): Promise<JoinResult> {
    const member = newMember(req, memberId);
    if (this.members.size === 0) this.protocolTypeValue = req.protocolType;
    this.members.set(memberId, member);
    if (req.groupInstanceId !== null) this.staticMembers.set(req.groupInstanceId, memberId);
    const result = new Promise<JoinResult>((resolve) => (member.awaitingJoin = resolve));
    if (this.stateValue === "PreparingRebalance") this.joinDeadline.memberJoined();
    else this.prepareRebalance();
    this.maybeCompleteJoin();
    return result;
  }

  private awaitJoin(member: Member, req: JoinRequest): Promise<JoinResult> {
    updateMember(member, req);
    this.timers.clear(member.sessionTimer);
    member.awaitingJoin?.(this.joinError("UNKNOWN_MEMBER_ID", member.memberId));
    const result = new Promise<JoinResult>((resolve) => (member.awaitingJoin = resolve));
    this.maybeCompleteJoin();
    return result;
  }

  private prepareRebalance(): void {
    if (this.stateValue === "CompletingRebalance") {
      for (const m of this.members.values()) {
        m.awaitingSync?.(syncError("REBALANCE_IN_PROGRESS"));
        m.awaitingSync = null;
      }
      this.timers.clear(this.syncTimer);
      this.synced.clear();
    }
    const wasEmpty = this.stateValue === "Empty";
    this.stateValue = "PreparingRebalance";
    const rebalanceTimeoutMs = Math.max(
      0,
      ...[...this.members.values()].map((m) => m.rebalanceTimeoutMs),
    );
    this.joinDeadline.start(wasEmpty, rebalanceTimeoutMs);
  }

  private maybeCompleteJoin(): void {
    if (this.stateValue !== "PreparingRebalance" || !this.joinDeadline.mayCompleteEarly) return;
    if (this.pending.size > 0) return;
    for (const m of this.members.values()) if (!m.awaitingJoin) return;
    this.completeJoin();
  }

  private completeJoin(): void {
    if (this.stateValue !== "PreparingRebalance") return;
    this.joinDeadline.cancel();
    for (const m of [...this.members.values()]) if (!m.awaitingJoin) this.removeMember(m);
    this.generation += 1;
    if (this.members.size === 0) {
      this.stateValue = "Empty";
      this.protocolNameValue = null;
      this.leader = null;
      void this.hooks.onSnapshot(this.snapshot());
      return;
    }
    this.protocolNameValue = selectProtocol([...this.members.values()].map((m) => m.protocols));
    if (this.leader === null || !this.members.has(this.leader))
      this.leader = this.members.keys().next().value!;
    this.stateValue = "CompletingRebalance";
    this.synced.clear();
    this.generationStored = this.hooks.onSnapshot(this.snapshot());
    for (const m of this.members.values()) {
      const respond = m.awaitingJoin!;
      m.awaitingJoin = null;
      this.scheduleSession(m);
      void this.answerOnceStored(m.memberId).then(respond);
    }
    const rebalanceTimeoutMs = Math.max(
      ...[...this.members.values()].map((m) => m.rebalanceTimeoutMs),
    );
    const generation = this.generation;
    this.syncTimer = this.timers.set(() => this.onSyncTimeout(generation), rebalanceTimeoutMs);
  }

  /** Members that never sent SyncGroup in time are dropped, so a vanished leader cannot stall the group. */
  private onSyncTimeout(generation: number): void {
    if (this.stateValue !== "CompletingRebalance" || this.generation !== generation) return;
    for (const m of [...this.members.values()])
      if (!this.synced.has(m.memberId)) this.removeMember(m);
    this.prepareRebalance();
    this.maybeCompleteJoin();
  }

  sync(req: SyncRequest): Promise<SyncResult> {
    const fail = (error: GroupError) => Promise.resolve(syncError(error));
    if (this.stateValue === "Dead") return fail("COORDINATOR_NOT_AVAILABLE");
    const member = this.members.get(req.memberId);
    if (this.isFenced(req.groupInstanceId, req.memberId)) return fail("FENCED_INSTANCE_ID");
    if (!member) return fail("UNKNOWN_MEMBER_ID");
    if (req.generationId !== this.generation) return fail("ILLEGAL_GENERATION");
    if (
      (req.protocolType !== null && req.protocolType !== this.protocolTypeValue) ||
      (req.protocolName !== null && req.protocolName !== this.protocolNameValue)
    ) {
      return fail("INCONSISTENT_GROUP_PROTOCOL");
    }
    switch (this.stateValue) {
      case "PreparingRebalance":
        return fail("REBALANCE_IN_PROGRESS");
      case "CompletingRebalance": {
        const result = new Promise<SyncResult>((resolve) => (member.awaitingSync = resolve));
        this.synced.add(member.memberId);
        this.timers.clear(member.sessionTimer);
        if (member.memberId === this.leader) this.completeSync(req.assignments);
        return result;
      }
      case "Stable":
        this.scheduleSession(member);
        return Promise.resolve(this.syncResponse(member));
      default:
        return fail("UNKNOWN_MEMBER_ID");
    }
  }

  private completeSync(assignments: SyncRequest["assignments"]): void {
    const byMember = new Map(assignments.map((a) => [a.memberId, a.assignment]));
    for (const m of this.members.values()) m.assignment = byMember.get(m.memberId) ?? noBytes;
    this.timers.clear(this.syncTimer);
    this.stateValue = "Stable";
    const generation = this.generation;
    void this.hooks.onSnapshot(this.snapshot()).then((stored) => {
      // As Kafka: a stable point that could not be stored is not kept; the members rejoin.
      if (!stored && this.isCurrent(generation, "Stable")) this.prepareRebalance();
    });
    for (const m of this.members.values()) {
      if (!m.awaitingSync) continue;
      const respond = m.awaitingSync;
      m.awaitingSync = null;
      this.scheduleSession(m);
      respond(this.syncResponse(m));
    }
  }

  heartbeat(id: MemberIdentity): GroupError | null {
    if (this.stateValue === "Dead") return "COORDINATOR_NOT_AVAILABLE";
    if (this.isFenced(id.groupInstanceId, id.memberId)) return "FENCED_INSTANCE_ID";
    const member = this.members.get(id.memberId);
    if (!member) return "UNKNOWN_MEMBER_ID";
    if (id.generationId !== this.generation) return "ILLEGAL_GENERATION";
    switch (this.stateValue) {
      case "Empty":
        return "UNKNOWN_MEMBER_ID";
      case "PreparingRebalance":
        if (!member.awaitingJoin) this.scheduleSession(member);
        return "REBALANCE_IN_PROGRESS";
      default:
        if (!member.awaitingSync) this.scheduleSession(member);
        return null;
    }
  }

  leave(leaving: LeaveMember[]): LeaveResult[] {
    return leaving.map((l) => ({ ...l, error: this.leaveOne(l) }));
  }

  private leaveOne({ memberId, groupInstanceId }: LeaveMember): GroupError | null {
    if (this.stateValue === "Dead") return "COORDINATOR_NOT_AVAILABLE";
    if (groupInstanceId !== null) {
      const current = this.staticMembers.get(groupInstanceId);
      if (current === undefined) return "UNKNOWN_MEMBER_ID";
      if (memberId !== "" && memberId !== current) return "FENCED_INSTANCE_ID";
      this.removeMemberAndRebalance(this.members.get(current)!);
      return null;
    }
    if (this.pending.has(memberId)) {
      this.timers.clear(this.pending.get(memberId));
      this.pending.delete(memberId);
      this.maybeCompleteJoin();
      return null;
    }
    const member = this.members.get(memberId);
    if (!member) return "UNKNOWN_MEMBER_ID";
    this.removeMemberAndRebalance(member);
    return null;
  }

  /** Validates the committer of an OffsetCommit; null when the commit may be stored. */
  validateOffsetCommit(id: MemberIdentity): GroupError | null {
    if (this.stateValue === "Dead") return "COORDINATOR_NOT_AVAILABLE";
    if (this.isFenced(id.groupInstanceId, id.memberId)) return "FENCED_INSTANCE_ID";
    // Commits outside group management (generation -1), e.g. admin tools, need an noBytes group.
    if (id.generationId < 0 && id.memberId === "")
      return this.stateValue === "Empty" ? null : "UNKNOWN_MEMBER_ID";
    const member = this.members.get(id.memberId);
    if (!member) return "UNKNOWN_MEMBER_ID";
    if (id.generationId !== this.generation) return "ILLEGAL_GENERATION";
    if (this.stateValue === "CompletingRebalance") return "REBALANCE_IN_PROGRESS";
    if (!member.awaitingJoin && !member.awaitingSync) this.scheduleSession(member);
    return null;
  }

  /** Marks the group deleted (DeleteGroups); only an noBytes group may be. */
  markDead(): void {
    this.stateValue = "Dead";
    void this.hooks.onSnapshot(this.snapshot());
  }

  /** Another agent coordinates the group now: answer everyone waiting and stop all timers. */
  unload(): void {
    this.unloaded = true;
    for (const m of this.members.values()) {
      m.awaitingJoin?.(this.joinError("NOT_COORDINATOR", m.memberId));
      m.awaitingSync?.(syncError("NOT_COORDINATOR"));
      this.timers.clear(m.sessionTimer);
    }
    for (const t of this.pending.values()) this.timers.clear(t);
    this.joinDeadline.cancel();
    this.timers.clear(this.syncTimer);
    this.members.clear();
    this.pending.clear();
  }

  private removeMemberAndRebalance(member: Member): void {
    this.removeMember(member);
    if (this.stateValue === "Stable" || this.stateValue === "CompletingRebalance")
      this.prepareRebalance();
    this.maybeCompleteJoin();
  }

  private removeMember(member: Member): void {
    this.timers.clear(member.sessionTimer);
    member.awaitingJoin?.(this.joinError("UNKNOWN_MEMBER_ID", member.memberId));
    member.awaitingSync?.(syncError("UNKNOWN_MEMBER_ID"));
    this.members.delete(member.memberId);
    this.synced.delete(member.memberId);
    if (
      member.groupInstanceId !== null &&
      this.staticMembers.get(member.groupInstanceId) === member.memberId
    ) {
      this.staticMembers.delete(member.groupInstanceId);
    }
    if (this.leader === member.memberId) this.leader = this.members.keys().next().value ?? null;
  }

  private scheduleSession(member: Member): void {
    this.timers.clear(member.sessionTimer);
    member.sessionTimer = this.timers.set(() => {
      if (this.members.get(member.memberId) === member) this.removeMemberAndRebalance(member);
    }, member.sessionTimeoutMs);
  }

  private isFenced(groupInstanceId: string | null, memberId: string): boolean {
    if (groupInstanceId === null) return false;
    const current = this.staticMembers.get(groupInstanceId);
    return current !== undefined && current !== memberId;
  }

  private acceptsProtocols(protocolType: string, protocols: GroupProtocol[]): boolean {
    if (protocolType === "" || protocols.length === 0) return false;
    if (this.members.size === 0) return true;
    return (
      protocolType === this.protocolTypeValue &&
      supportsProtocols(
        [...this.members.values()].map((m) => m.protocols),
        protocols,
      )
    );
  }

  private joinResponse(memberId: string): JoinResult {
    const isLeader = memberId === this.leader;
    return {
      error: null,
      generationId: this.generation,
      protocolType: this.protocolTypeValue,
      protocolName: this.protocolNameValue,
      leaderId: this.leader ?? "",
      memberId,
      members: isLeader
        ? [...this.members.values()].map((m) => ({
            memberId: m.memberId,
            groupInstanceId: m.groupInstanceId,
            metadata:
              m.protocols.find((p) => p.name === this.protocolNameValue)?.metadata ?? noBytes,
          }))
        : [],
    };
  }

  /**
   * A member learns a generation only once it is stored: a coordinator that takes the group
   * over then starts from it or a later one, and never hands the same generation number out
   * again with other members or assignments. When the write failed, nobody learns it: the
   * members are told to rejoin, into a new rebalance.
   */
  private async answerOnceStored(memberId: string): Promise<JoinResult> {
    const generation = this.generation;
    const stored = await this.generationStored;
    if (this.generation !== generation) return this.joinError("REBALANCE_IN_PROGRESS", memberId);
    if (stored) return this.joinResponse(memberId);
    if (this.isCurrent(generation, "CompletingRebalance")) this.prepareRebalance();
    return this.joinError("REBALANCE_IN_PROGRESS", memberId);
  }

  /** Still in `state` at `generation`, and still coordinated here (not unloaded). */
  private isCurrent(generation: number, state: GroupState): boolean {
    return !this.unloaded && this.generation === generation && this.stateValue === state;
  }

  private joinError(error: GroupError, memberId: string): JoinResult {
    return {
      error,
      generationId: -1,
      protocolType: null,
      protocolName: null,
      leaderId: "",
      memberId,
      members: [],
    };
  }

  private syncResponse(member: Member): SyncResult {
    return {
      error: null,
      protocolType: this.protocolTypeValue,
      protocolName: this.protocolNameValue,
      assignment: member.assignment,
    };
  }
}

function syncError(error: GroupError): SyncResult {
  return { error, protocolType: null, protocolName: null, assignment: noBytes };
}
