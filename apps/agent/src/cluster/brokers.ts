import { agentsInZone } from "./agent-registry.ts";
import { hashKey } from "./jump-hash.ts";
import { partitionLeader } from "./ownership.ts";
import type { LiveAgent } from "../metadata/metadata-store.ts";
import type { RequestContext } from "../server/api-handler.ts";

/** A live agent as a Kafka broker. */
export interface Broker {
  id: string;
  nodeId: number;
  host: string;
  port: number;
  rack: string;
}

/**
 * Kafka node ids are int32; agent ids are strings. The id is derived from the agent id, so every
 * agent reports the same node id for the same agent without coordination.
 */
export function nodeIdOf(agentId: string): number {
  return Number(hashKey(agentId) & 0x7fffffffn);
}

function asBroker(agent: Pick<LiveAgent, "id" | "host" | "port" | "zone">): Broker {
  return {
    id: agent.id,
    nodeId: nodeIdOf(agent.id),
    host: agent.host,
    port: agent.port,
    rack: agent.zone,
  };
}

/** The brokers a client should see: live agents of its cluster in its zone (all zones when it states none). */
export async function brokersFor(ctx: RequestContext): Promise<Broker[]> {
  const live = await ctx.services.registry.visibleAgents(ctx.connection.clusterId);
  return agentsInZone(live, ctx.clientZone).map(asBroker);
}

/** The broker that "leads" a partition: spread over the brokers by jump consistent hash. */
export function leaderOf(topicId: string, partition: number, brokers: readonly Broker[]): Broker {
  return partitionLeader(topicId, partition, brokers)!;
}

/** The broker this agent is, among the ones reported. */
export function selfBroker(ctx: RequestContext): Broker {
  return asBroker(ctx.services.registry.self);
}
