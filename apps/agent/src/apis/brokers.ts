import { agentsInZone } from "../cluster/agent-registry.ts";
import { hashKey } from "../cluster/jump-hash.ts";
import { partitionLeader } from "../cluster/ownership.ts";
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
  return { id: agent.id, nodeId: nodeIdOf(agent.id), host: agent.host, port: agent.port, rack: agent.zone };
}

/**
 * The brokers a client should see: live agents of its cluster in its zone (all zones when it
 * states none). This agent is always among them, even before its first registration is visible.
 */
export async function brokersFor(ctx: RequestContext): Promise<Broker[]> {
  const { registry } = ctx.services;
  const live = await registry.liveAgents(ctx.connection.clusterId);
  const self = registry.self;
  const now = new Date();
  const all = live.some((a) => a.id === self.id) ? live : [...live, { ...self, startedAt: now, lastHeartbeatAt: now }];
  return agentsInZone(newestPerEndpoint(all, self.id), ctx.clientZone).map(asBroker);
}

/**
 * One agent per advertised endpoint: an agent restarted on the same host:port replaces its
 * predecessor at once, instead of both being listed (as two brokers with one address) until the
 * dead one's heartbeats expire.
 */
function newestPerEndpoint<T extends Pick<LiveAgent, "id" | "host" | "port" | "startedAt">>(agents: readonly T[], selfId: string): T[] {
  const byEndpoint = new Map<string, T>();
  for (const agent of agents) {
    const endpoint = `${agent.host}:${agent.port}`;
    const current = byEndpoint.get(endpoint);
    if (!current || (current.id !== selfId && (agent.id === selfId || agent.startedAt > current.startedAt))) byEndpoint.set(endpoint, agent);
  }
  return agents.filter((a) => byEndpoint.get(`${a.host}:${a.port}`) === a);
}

/** The broker that "leads" a partition: spread over the brokers by jump consistent hash. */
export function leaderOf(topicId: string, partition: number, brokers: readonly Broker[]): Broker {
  return partitionLeader(topicId, partition, brokers)!;
}

/** The broker this agent is, among the ones reported. */
export function selfBroker(ctx: RequestContext): Broker {
  return asBroker(ctx.services.registry.self);
}
