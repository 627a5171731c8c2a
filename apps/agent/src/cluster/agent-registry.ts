import { AGENT_LIVENESS_MS } from "@streambed/db";
import type { Logger } from "pino";
import type { AgentRegistration, LiveAgent, MetadataStore } from "../metadata/metadata-store.ts";
import { servesClients } from "./roles.ts";

export interface AgentRegistryOptions {
  metadata: MetadataStore;
  self: AgentRegistration;
  /** Default 1000 ms. */
  heartbeatIntervalMs?: number;
  /** An agent whose last heartbeat is older than this is not live. Default AGENT_LIVENESS_MS. */
  liveWindowMs?: number;
  /** How long a live-agent list is reused before asking the metadata store again. Default 1000 ms. */
  cacheMs?: number;
  logger?: Pick<Logger, "warn">;
}

/**
 * This agent's membership in the fleet: registers itself, heartbeats, deregisters on shutdown,
 * and answers which agents are live (with a short cache, as Metadata requests ask often).
 */
export class AgentRegistry {
  private readonly metadata: MetadataStore;
  readonly self: AgentRegistration;
  private readonly heartbeatIntervalMs: number;
  private readonly liveWindowMs: number;
  private readonly cacheMs: number;
  private readonly logger: Pick<Logger, "warn"> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private heartbeat: Promise<void> | undefined;
  private readonly cache = new Map<string, { at: number; agents: Promise<LiveAgent[]> }>();

  constructor(options: AgentRegistryOptions) {
    this.metadata = options.metadata;
    this.self = options.self;
    this.heartbeatIntervalMs = options.heartbeatIntervalMs ?? 1000;
    this.liveWindowMs = options.liveWindowMs ?? AGENT_LIVENESS_MS;
    this.cacheMs = options.cacheMs ?? 1000;
    this.logger = options.logger;
  }

  /** Registers this agent and starts heartbeating. */
  async start(): Promise<void> {
    await this.metadata.registerAgent(this.self);
    this.timer = setInterval(() => {
      if (this.heartbeat) return;
      this.heartbeat = this.metadata
        .heartbeatAgent(this.self.id)
        // Someone removed our row (e.g. cleaned up as dead after a long pause): come back.
        .then((known) => (known ? undefined : this.metadata.registerAgent(this.self)))
        .catch((err: unknown) => this.logger?.warn({ err }, "agent heartbeat failed"))
        .finally(() => (this.heartbeat = undefined));
    }, this.heartbeatIntervalMs);
    this.timer.unref();
  }

  /** Stops heartbeating and removes this agent, so it leaves Metadata responses at once. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.heartbeat;
    await this.metadata.deregisterAgent(this.self.id);
  }

  /** Live agents serving the cluster, sorted by id, as the metadata store reports them. */
  liveAgents(clusterId: string): Promise<LiveAgent[]> {
    const now = Date.now();
    const cached = this.cache.get(clusterId);
    if (cached && now - cached.at < this.cacheMs) return cached.agents;
    const agents = this.metadata.liveAgents(clusterId, this.liveWindowMs);
    this.cache.set(clusterId, { at: now, agents });
    agents.catch(() => this.cache.delete(clusterId));
    return agents;
  }

  /**
   * The agents clients of this agent see, sorted by id: the live ones that serve clients (not
   * jobs-only agents), this agent among them if it serves clients (even before its first
   * registration is visible), one per advertised endpoint. Metadata (brokers, partition leaders)
   * and group coordinators all hash over this list, so they agree.
   */
  async visibleAgents(clusterId: string): Promise<LiveAgent[]> {
    const live = (await this.liveAgents(clusterId)).filter(servesClients);
    const now = new Date();
    const withSelf =
      live.some((a) => a.id === this.self.id) || !servesClients(this.self)
        ? live
        : [...live, { ...this.self, startedAt: now, lastHeartbeatAt: now }];
    return newestPerEndpoint(withSelf, this.self.id).sort((a, b) =>
      a.id < b.id ? -1 : a.id > b.id ? 1 : 0,
    );
  }
}

/**
 * One agent per advertised endpoint: an agent restarted on the same host:port replaces its
 * predecessor at once, instead of both being listed (as two brokers with one address, which
 * KafkaJS conflates) until the dead one's heartbeats expire. This agent keeps its own endpoint.
 */
function newestPerEndpoint(agents: readonly LiveAgent[], selfId: string): LiveAgent[] {
  const byEndpoint = new Map<string, LiveAgent>();
  for (const agent of agents) {
    const endpoint = `${agent.host}:${agent.port}`;
    const current = byEndpoint.get(endpoint);
    if (
      !current ||
      (current.id !== selfId && (agent.id === selfId || agent.startedAt > current.startedAt))
    )
      byEndpoint.set(endpoint, agent);
  }
  return agents.filter((a) => byEndpoint.get(`${a.host}:${a.port}`) === a);
}

/**
 * The agents a client in `zone` should see: those of its zone, or all of them when the zone is
 * unknown or has no live agent.
 */
export function agentsInZone<T extends { zone: string }>(
  agents: readonly T[],
  zone: string | undefined,
): T[] {
  if (zone === undefined) return [...agents];
  const inZone = agents.filter((a) => a.zone === zone);
  return inZone.length > 0 ? inZone : [...agents];
}

/** The zone a client states in its client.id (`ws_az=<zone>`, WarpStream's convention). */
export function zoneFromClientId(clientId: string | null | undefined): string | undefined {
  const match = /(?:^|[,;\s])ws_az=([^,;\s]+)/.exec(clientId ?? "");
  return match?.[1];
}
