import { AGENT_LIVENESS_MS, type PrismaClient } from "@streambed/db";

/** An agent silent for longer than this is taken as gone for good, not as one that may return. */
export const UNRESPONSIVE_WINDOW_MS = 60 * 60 * 1000;

function agentsOf(prisma: PrismaClient, clusterId: string, heartbeatSince: Date, before?: Date) {
  return prisma.agent.findMany({
    where: {
      OR: [{ clusterId }, { clusterId: null }],
      lastHeartbeatAt: { gte: heartbeatSince, ...(before ? { lt: before } : {}) },
    },
    orderBy: [{ zone: "asc" }, { id: "asc" }],
  });
}

/** Agents serving `clusterId`: dedicated ones of that cluster plus shared ones (cluster_id null). */
export function liveAgents(prisma: PrismaClient, clusterId: string, now = new Date()) {
  return agentsOf(prisma, clusterId, new Date(now.getTime() - AGENT_LIVENESS_MS));
}

/**
 * Agents of `clusterId` that stopped heartbeating within the last hour without leaving (a clean
 * stop deregisters): killed or cut off, perhaps about to be restarted.
 */
export function unresponsiveAgents(prisma: PrismaClient, clusterId: string, now = new Date()) {
  return agentsOf(
    prisma,
    clusterId,
    new Date(now.getTime() - UNRESPONSIVE_WINDOW_MS),
    new Date(now.getTime() - AGENT_LIVENESS_MS),
  );
}
