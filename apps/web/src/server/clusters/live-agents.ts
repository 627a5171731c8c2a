import type { PrismaClient } from "@streambed/db";

/** An agent that missed heartbeats for this long no longer counts as live (the agent drops it from Metadata too). */
export const agentLivenessMs = 15_000;

/** Agents serving `clusterId`: dedicated ones of that cluster plus shared ones (cluster_id null). */
export async function liveAgents(prisma: PrismaClient, clusterId: string, now = new Date()) {
  return prisma.agent.findMany({
    where: {
      OR: [{ clusterId }, { clusterId: null }],
      lastHeartbeatAt: { gte: new Date(now.getTime() - agentLivenessMs) },
    },
    orderBy: [{ zone: "asc" }, { id: "asc" }],
  });
}
