import { AGENT_LIVENESS_MS, type PrismaClient } from "@streambed/db";

/** Agents serving `clusterId`: dedicated ones of that cluster plus shared ones (cluster_id null). */
export async function liveAgents(prisma: PrismaClient, clusterId: string, now = new Date()) {
  return prisma.agent.findMany({
    where: {
      OR: [{ clusterId }, { clusterId: null }],
      lastHeartbeatAt: { gte: new Date(now.getTime() - AGENT_LIVENESS_MS) },
    },
    orderBy: [{ zone: "asc" }, { id: "asc" }],
  });
}
