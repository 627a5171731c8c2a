import { agentsInZone } from "./agent-registry.ts";
import { hashKey } from "./jump-hash.ts";
import { ownerOf, partitionLeader } from "./ownership.ts";
import { agentsWithRole } from "./roles.ts";
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

/** What a client sees of its cluster: the brokers to list, and who leads partitions among them. */
export interface ClusterView {
  /** Live agents of the client's zone (all zones when it states none), and the leaders. */
  brokers: Broker[];
  /** Agents with the produce role in the client's zone (any zone when its own has none). */
  leaders: Broker[];
  /** Listed brokers with the fetch role: any of them may serve a partition's reads. */
  readers: Broker[];
}

function byId(a: Broker, b: Broker): number {
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

export async function clusterViewFor(ctx: RequestContext): Promise<ClusterView> {
  const live = await ctx.services.registry.visibleAgents(ctx.connection.clusterId);
  const leaders = agentsInZone(agentsWithRole(live, "produce"), ctx.clientZone).map(asBroker);
  const brokers = agentsInZone(live, ctx.clientZone).map(asBroker);
  for (const leader of leaders) if (!brokers.some((b) => b.id === leader.id)) brokers.push(leader);
  const readerIds = new Set(live.filter((a) => a.roles.includes("fetch")).map((a) => a.id));
  return {
    brokers: brokers.sort(byId),
    leaders,
    readers: brokers.filter((b) => readerIds.has(b.id)),
  };
}

/**
 * A partition's leader (spread over the leaders by jump consistent hash) and its replicas: the
 * leader and every reader, as clients accept a preferred read replica only among the replicas.
 */
export function partitionReplicas(
  view: ClusterView,
  topicId: string,
  partition: number,
): { leaderId: number; replicaNodes: number[] } {
  const leader = partitionLeader(topicId, partition, view.leaders)!;
  const readers = view.readers.filter((b) => b.id !== leader.id).map((b) => b.nodeId);
  return { leaderId: leader.nodeId, replicaNodes: [leader.nodeId, ...readers] };
}

/** The broker this agent is, among the ones reported. */
export function selfBroker(ctx: RequestContext): Broker {
  return asBroker(ctx.services.registry.self);
}

/**
 * Whether this agent takes writes: it has the produce role, or no live agent has it. An agent
 * without it answers Produce with NOT_LEADER_OR_FOLLOWER, so producers go to a leader.
 */
export async function takesProduce(ctx: RequestContext): Promise<boolean> {
  const { registry } = ctx.services;
  if (registry.self.roles.includes("produce")) return true;
  const live = await registry.visibleAgents(ctx.connection.clusterId);
  return !live.some((a) => a.roles.includes("produce"));
}

/**
 * Where a consumer in `zone` should read a partition instead of here (KIP-392), or undefined to
 * serve it here: an agent with the fetch role in the consumer's zone, when this agent is not one.
 */
export async function preferredReadReplicas(
  ctx: RequestContext,
  zone: string | undefined,
): Promise<((topicId: string, partition: number) => Broker) | undefined> {
  const { registry } = ctx.services;
  if (zone === undefined) return undefined;
  const live = await registry.visibleAgents(ctx.connection.clusterId);
  const readers = live.filter((a) => a.zone === zone && a.roles.includes("fetch"));
  if (readers.length === 0 || readers.some((a) => a.id === registry.self.id)) return undefined;
  return (topicId, partition) => asBroker(ownerOf(`read:${topicId}:${partition}`, readers)!);
}
