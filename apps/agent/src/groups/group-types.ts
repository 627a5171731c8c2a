/**
 * Types shared by the classic group state machine, its persistence and the API handlers.
 * Errors are Kafka error names; the handlers turn them into wire codes.
 */

export type GroupState = "Empty" | "PreparingRebalance" | "CompletingRebalance" | "Stable" | "Dead";

export type GroupError =
  | "UNKNOWN_MEMBER_ID"
  | "MEMBER_ID_REQUIRED"
  | "ILLEGAL_GENERATION"
  | "REBALANCE_IN_PROGRESS"
  | "INCONSISTENT_GROUP_PROTOCOL"
  | "INVALID_SESSION_TIMEOUT"
  | "FENCED_INSTANCE_ID"
  | "COORDINATOR_NOT_AVAILABLE"
  | "NOT_COORDINATOR"
  | "GROUP_MAX_SIZE_REACHED"
  | "GROUP_ID_NOT_FOUND"
  | "NON_EMPTY_GROUP"
  | "GROUP_SUBSCRIBED_TO_TOPIC";

export interface GroupProtocol {
  name: string;
  metadata: Uint8Array;
}

export interface JoinRequest {
  /** "" for a member that has no id yet. */
  memberId: string;
  groupInstanceId: string | null;
  clientId: string;
  clientHost: string;
  sessionTimeoutMs: number;
  rebalanceTimeoutMs: number;
  protocolType: string;
  protocols: GroupProtocol[];
  /** JoinGroup v4+: a new member first gets MEMBER_ID_REQUIRED with its id, then rejoins. */
  requireKnownMemberId: boolean;
}

export interface JoinMember {
  memberId: string;
  groupInstanceId: string | null;
  metadata: Uint8Array;
}

export interface JoinResult {
  error: GroupError | null;
  generationId: number;
  protocolType: string | null;
  protocolName: string | null;
  leaderId: string;
  memberId: string;
  /** Filled for the leader only: every member with its metadata for the chosen protocol. */
  members: JoinMember[];
}

export interface SyncRequest {
  memberId: string;
  groupInstanceId: string | null;
  generationId: number;
  protocolType: string | null;
  protocolName: string | null;
  assignments: { memberId: string; assignment: Uint8Array }[];
}

export interface SyncResult {
  error: GroupError | null;
  protocolType: string | null;
  protocolName: string | null;
  assignment: Uint8Array;
}

export interface MemberIdentity {
  memberId: string;
  groupInstanceId: string | null;
  generationId: number;
}

export interface LeaveMember {
  memberId: string;
  groupInstanceId: string | null;
}

export interface LeaveResult extends LeaveMember {
  error: GroupError | null;
}

/** A member as persisted and as shown by DescribeGroups. */
export interface MemberSnapshot {
  memberId: string;
  groupInstanceId: string | null;
  clientId: string;
  clientHost: string;
  sessionTimeoutMs: number;
  rebalanceTimeoutMs: number;
  protocols: GroupProtocol[];
  assignment: Uint8Array;
}

/** The group at its last stable point (Empty or Stable): what another coordinator loads. */
export interface GroupSnapshot {
  groupId: string;
  state: GroupState;
  generationId: number;
  protocolType: string | null;
  protocolName: string | null;
  leaderId: string | null;
  members: MemberSnapshot[];
}

export interface GroupSettings {
  /** Kafka's group.initial.rebalance.delay.ms: how long a rebalance of an empty group waits for more members. */
  initialRebalanceDelayMs: number;
  minSessionTimeoutMs: number;
  maxSessionTimeoutMs: number;
  maxSize: number;
}

export const defaultGroupSettings: GroupSettings = {
  initialRebalanceDelayMs: 3000,
  minSessionTimeoutMs: 6000,
  maxSessionTimeoutMs: 1_800_000,
  maxSize: 1000,
};

/** Timers the state machine uses, injectable so tests drive time by hand. */
export interface Timers {
  set(fn: () => void, ms: number): unknown;
  clear(handle: unknown): void;
}

export const realTimers: Timers = {
  set: (fn, ms) => {
    const t = setTimeout(fn, ms);
    t.unref();
    return t;
  },
  clear: (handle) => clearTimeout(handle as NodeJS.Timeout),
};
