import { type CandidateAgent, GroupCoordinator } from "../groups/group-coordinator.ts";
import type { GroupSettings, Timers } from "../groups/group-types.ts";
import type { Timer } from "../clock.ts";
import { AgentConnections } from "./agent-connections.ts";
import { type SimGroupStoreFaults, SimGroupStore, type SimGroupTables } from "./sim-group-store.ts";
import { noFaults, type Owner, type SimScheduler } from "./sim-scheduler.ts";

/** What every group agent incarnation shares: the tables, the registry of live agents, the scheduler. */
export interface SimGroupWorld {
  scheduler: SimScheduler;
  tables: SimGroupTables;
  storeFaults: SimGroupStoreFaults;
  settings: GroupSettings;
  /** The agent registry: incarnations that heartbeat, by id (as AgentRegistry.visibleAgents lists). */
  live: Map<Owner, SimGroupAgent>;
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

  constructor(
    private readonly world: SimGroupWorld,
    readonly owner: Owner,
  ) {
    const { scheduler } = world;
    this.connections = new AgentConnections(owner);
    let members = 0;
    this.coordinator = new GroupCoordinator({
      store: new SimGroupStore(world.tables, scheduler, owner, world.storeFaults),
      agents: {
        self: { id: owner },
        // The registry is read like any I/O: the view may be stale by the time it is used.
        liveAgents: () =>
          scheduler.submit(owner, "live-agents", noFaults, () =>
            [...world.live.keys()].map((id) => ({ id })),
          ),
      },
      settings: world.settings,
      timers: simTimers(scheduler, owner),
      newMemberId: (clientId) => `${clientId}-${owner}-${++members}`,
      logger: { info: () => undefined, warn: () => undefined },
      sweepIntervalMs: 1000,
    });
    world.live.set(owner, this);
  }

  get isAlive(): boolean {
    return this.connections.isAlive;
  }

  /** One request to this agent's coordinator: answered only while the agent lives. */
  call<T>(request: (coordinator: GroupCoordinator<CandidateAgent>) => Promise<T>): Promise<T> {
    return this.connections.answer(() => request(this.coordinator));
  }

  /** SIGKILL: it leaves the registry, nothing it had sent answers, its clients are cut off. */
  crash(): void {
    this.world.live.delete(this.owner);
    this.world.scheduler.crash(this.owner);
    this.connections.cutOff();
  }
}
