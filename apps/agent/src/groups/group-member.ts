import type {
  GroupProtocol,
  JoinRequest,
  JoinResult,
  MemberSnapshot,
  SyncResult,
} from "./group-types.ts";

/** A member of a classic group, with the answers it is waiting for and its session timer. */
export interface Member extends MemberSnapshot {
  awaitingJoin: ((result: JoinResult) => void) | null;
  awaitingSync: ((result: SyncResult) => void) | null;
  sessionTimer: unknown;
}

export const noBytes = new Uint8Array(0);

/** A member from its first JoinGroup; it has no assignment until the leader's SyncGroup. */
export function newMember(req: JoinRequest, memberId: string): Member {
  return {
    memberId,
    groupInstanceId: req.groupInstanceId,
    clientId: req.clientId,
    clientHost: req.clientHost,
    sessionTimeoutMs: req.sessionTimeoutMs,
    rebalanceTimeoutMs: req.rebalanceTimeoutMs,
    protocols: req.protocols,
    assignment: noBytes,
    awaitingJoin: null,
    awaitingSync: null,
    sessionTimer: null,
  };
}

export function restoredMember(snapshot: MemberSnapshot): Member {
  return { ...snapshot, awaitingJoin: null, awaitingSync: null, sessionTimer: null };
}

export function memberSnapshot(m: Member): MemberSnapshot {
  return {
    memberId: m.memberId,
    groupInstanceId: m.groupInstanceId,
    clientId: m.clientId,
    clientHost: m.clientHost,
    sessionTimeoutMs: m.sessionTimeoutMs,
    rebalanceTimeoutMs: m.rebalanceTimeoutMs,
    protocols: m.protocols,
    assignment: m.assignment,
  };
}

/** A rejoining member's JoinGroup replaces its protocols and timeouts. */
export function updateMember(member: Member, req: JoinRequest): void {
  member.protocols = req.protocols;
  member.sessionTimeoutMs = req.sessionTimeoutMs;
  member.rebalanceTimeoutMs = req.rebalanceTimeoutMs;
  member.clientId = req.clientId;
  member.clientHost = req.clientHost;
}

export function sameProtocols(a: GroupProtocol[], b: GroupProtocol[]): boolean {
  return (
    a.length === b.length &&
    a.every((p, i) => p.name === b[i]!.name && Buffer.from(p.metadata).equals(b[i]!.metadata))
  );
}
