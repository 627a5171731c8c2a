/**
 * What an agent does for its cluster (`--roles`):
 * - `produce`: leads partitions, so producers send to it;
 * - `fetch`: serves reads; a leader sends consumers in its zone to a fetch agent of that zone
 *   (KIP-392 preferred read replica), so reads and writes can run on separate agents;
 * - `groups`: coordinates consumer groups;
 * - `jobs`: runs background jobs (retention, object collection, offset expiry).
 * An agent with none of the first three serves no client and is never listed as a broker.
 */
export const agentRoles = ["produce", "fetch", "groups", "jobs"] as const;
export type AgentRole = (typeof agentRoles)[number];

const clientRoles: readonly string[] = ["produce", "fetch", "groups"];

interface WithRoles {
  roles?: readonly string[];
}

/** Whether clients reach this agent: it has a role that answers their requests. */
export function servesClients(agent: WithRoles): boolean {
  return agent.roles?.some((r) => clientRoles.includes(r)) ?? true;
}

/**
 * The agents that hold `role`, or every one of `agents` when none does: a fleet that splits no
 * work by role (or has lost every agent of a role) keeps serving with whoever is live.
 */
export function agentsWithRole<T extends WithRoles>(agents: readonly T[], role: AgentRole): T[] {
  const holders = agents.filter((a) => a.roles?.includes(role));
  return holders.length > 0 ? holders : [...agents];
}
