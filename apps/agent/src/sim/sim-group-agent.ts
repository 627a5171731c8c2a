import { type CandidateAgent, GroupCoordinator } from "../groups/group-coordinator.ts";
import type { GroupSettings, Timers } from "../groups/group-types.ts";
import type { Timer } from "../clock.ts";
import { AgentConnections } from "./agent-connections.ts";
import { type SimGroupStoreFaults, SimGroupStore, type SimGroupTables } from "./sim-group-store.ts";
import { noFaults, type Owner, type SimScheduler } from "./sim-scheduler.ts";

/** What every group agent incarnation shares: the tables, the agent registry, the scheduler. */
export interface SimGroupWorld {
  scheduler: SimScheduler;
  tables: SimGroupTables;
  storeFaults: SimGroupStoreFaults;
  settings: GroupSettings;
  /**
   * The agent registry: incarnations listed as live, by id. A crashed one stays listed until its
   * heartbeat expires, as in AgentRegistry.
   */
  registry: Map<Owner, SimGroupAgent>;
  /** How long a crashed agent stays listed. */
  registryExpiryMs: number;
  /** How often an agent reads the registry: until then its view of the live agents is stale. */
  viewRefreshMs: number;
}

/** The group state machines' timers on the owner's simulated clock: they die with the owner. */
export function simTimers(scheduler: SimScheduler, owner: Owner): Timers {
  const clock = scheduler.clockFor(owner);
  return {
    set: (fn, ms) => clock.schedule(ms, fn),
    clear: (handle) => (handle as Timer | null | undefined)?.cancel(),
  };
}

/**
 * One incarnation of an agent's group coordination: the real GroupCoordinator on the simulated
 * group store, timers and agent registry. A crash drops its memory (loaded groups, waiting
 * members); the group moves to whichever agent the live set now hashes it to, which loads it
 * from its last persisted stable point.
 */
export class SimGroupAgent {
  readonly coordinator: GroupCoordinator<CandidateAgent>;
  private readonly connections: AgentConnections;
  /** The live agents as this agent last read them from the registry. */
  private view: Owner[];

  constructor(
    private readonly world: SimGroupWorld,
    readonly owner: Owner,
  ) {
    const { scheduler } = world;
    this.connections = new AgentConnections(owner);
    world.registry.set(owner, this);
    this.view = [...world.registry.keys()];
    const clock = scheduler.clockFor(owner);
    const refresh = () =>
      clock.schedule(world.viewRefreshMs, () => {
        this.view = [...world.registry.keys()];
        refresh();
      });
    refresh();
    let members = 0;
    this.coordinator = new GroupCoordinator({
      store: new SimGroupStore(world.tables, scheduler, owner, world.storeFaults),
      agents: {
        self: { id: owner },
        // Two agents may disagree on who coordinates a group until both have refreshed.
        liveAgents: () =>
          scheduler.submit(owner, "live-agents", noFaults, () => this.view.map((id) => ({ id }))),
      },
      settings: world.settings,
      timers: simTimers(scheduler, owner),
      newMemberId: (clientId) => `${clientId}-${owner}-${++members}`,
      logger: { info: () => undefined, warn: () => undefined },
      sweepIntervalMs: 1000,
    });
  }

  get isAlive(): boolean {
    return this.connections.isAlive;
  }

  /** One request to this agent's coordinator: answered only while the agent lives. */
  call<T>(request: (coordinator: GroupCoordinator<CandidateAgent>) => Promise<T>): Promise<T> {
    return this.connections.answer(() => request(this.coordinator));
  }

  /** SIGKILL: nothing it had sent answers, its clients are cut off; its listing expires later. */
  crash(): void {
    const { scheduler, registry, registryExpiryMs } = this.world;
    scheduler.crash(this.owner);
    this.connections.cutOff();
    scheduler.clockFor("registry").schedule(registryExpiryMs, () => registry.delete(this.owner));
  }
}
