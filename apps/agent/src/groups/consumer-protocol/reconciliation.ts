import { intersect, isEmptyAssignment, subtract, union, type Assignment } from "./assignment.ts";

/**
 * Where a member is on its way to its target assignment (KIP-848):
 * - STABLE: it has its target at the target's epoch.
 * - UNREVOKED_PARTITIONS: it must first give up partitions (it keeps its old epoch meanwhile).
 * - UNRELEASED_PARTITIONS: it is at the new epoch, but some of its target partitions are still
 *   held by members that have not revoked them yet.
 */
export type MemberState = "STABLE" | "UNREVOKED_PARTITIONS" | "UNRELEASED_PARTITIONS";

export interface MemberAssignmentState {
  memberEpoch: number;
  previousMemberEpoch: number;
  state: MemberState;
  /** What the member may consume now. */
  assigned: Assignment;
  /** What it was told to give up and has not confirmed yet. */
  pendingRevocation: Assignment;
}

export interface Target {
  epoch: number;
  assignment: Assignment;
}

/**
 * The member's next step towards its target. `ownedByOthers` holds every partition another
 * member still holds (assigned or pending revocation); `reportedOwned` is what the member's
 * heartbeat says it owns (null when the heartbeat left it out). Revoke before assign: a
 * partition is only given once nobody else holds it, and the member moves to the new epoch only
 * once it has revoked what it must.
 */
export function reconcile(
  member: MemberAssignmentState,
  target: Target,
  ownedByOthers: Assignment,
  reportedOwned: Assignment | null,
): MemberAssignmentState {
  switch (member.state) {
    case "STABLE":
      if (member.memberEpoch === target.epoch) return member;
      return nextStep(member, target, ownedByOthers, reportedOwned);
    case "UNREVOKED_PARTITIONS":
      // Still owns something it must give up: wait (the rebalance timeout bounds this).
      if (
        reportedOwned === null ||
        !isEmptyAssignment(intersect(reportedOwned, member.pendingRevocation))
      )
        return member;
      return nextStep({ ...member, pendingRevocation: {} }, target, ownedByOthers, reportedOwned);
    case "UNRELEASED_PARTITIONS":
      return nextStep(member, target, ownedByOthers, reportedOwned);
  }
}

function nextStep(
  member: MemberAssignmentState,
  target: Target,
  ownedByOthers: Assignment,
  reportedOwned: Assignment | null,
): MemberAssignmentState {
  const kept = intersect(member.assigned, target.assignment);
  const toRevoke = subtract(member.assigned, target.assignment);
  // A member that already dropped what it must revoke need not be asked to.
  const stillOwned = reportedOwned === null ? toRevoke : intersect(toRevoke, reportedOwned);
  if (!isEmptyAssignment(stillOwned)) {
    return {
      memberEpoch: member.memberEpoch,
      previousMemberEpoch: member.previousMemberEpoch,
      state: "UNREVOKED_PARTITIONS",
      assigned: kept,
      pendingRevocation: stillOwned,
    };
  }
  const wanted = subtract(target.assignment, kept);
  const free = subtract(wanted, ownedByOthers);
  const unreleased = !isEmptyAssignment(subtract(wanted, free));
  const epochChanges = member.memberEpoch !== target.epoch;
  return {
    memberEpoch: target.epoch,
    previousMemberEpoch: epochChanges ? member.memberEpoch : member.previousMemberEpoch,
    state: unreleased ? "UNRELEASED_PARTITIONS" : "STABLE",
    assigned: union(kept, free),
    pendingRevocation: {},
  };
}
