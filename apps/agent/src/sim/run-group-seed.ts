import { defaultGroupSettings, type GroupSettings } from "../groups/group-types.ts";
import { commitOrderProblems, GroupObservations } from "./group-observations.ts";
import { SimGroupAgent, type SimGroupWorld } from "./sim-group-agent.ts";
import { type Assignor, rangeAssignment, SimGroupConsumer } from "./sim-group-consumer.ts";
import { SimGroupTables } from "./sim-group-store.ts";
import { SimScheduler } from "./sim-scheduler.ts";

/** What one seed's group coordination run found. */
export interface GroupSeedOutcome {
  seed: number;
  valid: boolean;
  problems: string[];
  steps: number;
  crashes: number;
  /** Generation the group settled at (-1 when it did not). */
  finalGeneration: number;
  simulatedMs: number;
  counts: Map<string, number>;
  /** Answers the consumers got, by API and error. */
  answers: Map<string, number>;
}

export interface GroupSeedOptions {
  /** The leaders' assignor; the harness check breaks it on purpose. */
  assignor?: Assignor;
  /** Stores without the generation fences (the harness check shows what they prevent). */
  unfenced?: boolean;
}

const MAX_STEPS = 200_000;
const CLUSTER = "sim-cluster";
const GROUP = "sim-group";
const TOPIC = "sim-topic";

/**
 * Runs classic group coordination under one seed: 1-3 agents each with a real GroupCoordinator
 * on one simulated group store, 1-5 consumers of one group, store faults, agent crashes and
 * restarts (the group moves between coordinators), consumers pausing past their session,
 * leaving and joining. Then faults stop and members stay: the group must settle. Same seed,
 * same run.
 */
export async function runGroupSeed(
  seed: number,
  options: GroupSeedOptions = {},
): Promise<GroupSeedOutcome> {
  const scheduler = new SimScheduler(seed);
  const rate = (max: number) => (scheduler.chance(0.25) ? 0 : scheduler.random() * max);
  const settings: GroupSettings = {
    ...defaultGroupSettings,
    initialRebalanceDelayMs: scheduler.int(1000),
  };
  const world: SimGroupWorld = {
    scheduler,
    tables: new SimGroupTables(CLUSTER, !options.unfenced),
    storeFaults: {
      write: { error: rate(0.1), answerLost: rate(0.1) },
      read: { error: rate(0.05), answerLost: 0 },
    },
    settings,
    registry: new Map(),
    registryExpiryMs: scheduler.int(5000),
    viewRefreshMs: 1 + scheduler.int(2000),
  };
  const partitions = 1 + scheduler.int(8);
  const maxSessionMs = 6000 + scheduler.int(6000);
  // As clients' max.poll.interval.ms, a rebalance timeout is at least the session timeout: a
  // member heartbeating every third of its session hears of a rebalance before it ends.
  const extraRebalanceMs = scheduler.int(8000);
  const maxRebalanceMs = maxSessionMs + extraRebalanceMs;
  // A request waits at most for a rebalance to end (its join deadline, then the sync deadline).
  const observations = new GroupObservations(
    scheduler,
    2 * maxRebalanceMs + settings.initialRebalanceDelayMs + 1000,
  );

  let incarnations = 0;
  const startAgent = () => new SimGroupAgent(world, `agent-${incarnations++}`);
  for (let n = 1 + scheduler.int(3); n > 0; n--) startAgent();

  let faults = true;
  let consumersMade = 0;
  const consumers: SimGroupConsumer[] = [];
  const staticShare = scheduler.chance(0.5) ? 0 : scheduler.random();
  const addConsumer = (
    groupInstanceId = scheduler.chance(staticShare) ? `i${consumersMade}` : null,
  ) => {
    const sessionTimeoutMs = 6000 + scheduler.int(maxSessionMs - 5999);
    const consumer = new SimGroupConsumer({
      name: `c${consumersMade++}`,
      groupInstanceId,
      clusterId: CLUSTER,
      groupId: GROUP,
      topic: TOPIC,
      partitions,
      sessionTimeoutMs,
      rebalanceTimeoutMs: sessionTimeoutMs + scheduler.int(extraRebalanceMs + 1),
      scheduler,
      agents: world.registry,
      observations,
      assignor: options.assignor ?? rangeAssignment,
      mayPause: () => faults,
    });
    consumers.push(consumer);
    consumer.start();
  };
  for (let n = 1 + scheduler.int(4); n > 0; n--) addConsumer();

  // Chaos on its own clock: agents crash (and a new incarnation starts), consumers leave or join.
  const chaos = scheduler.clockFor("chaos");
  let crashes = 0;
  const crashEveryMs = scheduler.chance(0.2) ? 0 : 2000 + scheduler.int(20_000);
  const crashOne = () => {
    if (!faults) return;
    const live = [...world.registry.values()].filter((a) => a.isAlive);
    live[scheduler.int(live.length)]?.crash();
    crashes++;
    if (live.length <= 1 || scheduler.chance(0.7)) startAgent();
    chaos.schedule(scheduler.random() * 2 * crashEveryMs, crashOne);
  };
  if (crashEveryMs > 0) chaos.schedule(scheduler.random() * 2 * crashEveryMs, crashOne);
  const churnEveryMs = 3000 + scheduler.int(20_000);
  const churn = () => {
    if (!faults) return;
    const leaving = consumers.length > 1 && scheduler.chance(0.5);
    if (leaving) {
      const consumer = consumers.splice(scheduler.int(consumers.length), 1)[0]!;
      // Leaves, or its process dies and (a static member) comes back with its instance id.
      if (scheduler.chance(0.5)) void consumer.leave();
      else {
        consumer.crash();
        if (consumer.groupInstanceId !== null) addConsumer(consumer.groupInstanceId);
      }
    }
    if ((!leaving || scheduler.chance(0.5)) && consumers.length < 5) addConsumer();
    chaos.schedule(scheduler.random() * 2 * churnEveryMs, churn);
  };
  chaos.schedule(scheduler.random() * 2 * churnEveryMs, churn);

  let steps = 0;
  const faultPhaseMs = 20_000 + scheduler.int(60_000);
  while (scheduler.now < faultPhaseMs && steps < MAX_STEPS && (await scheduler.step())) steps++;

  // Faults stop, every agent that is down stays down, members stay: the group must settle.
  faults = false;
  scheduler.faultsEnabled = false;
  if (![...world.registry.values()].some((a) => a.isAlive)) startAgent();
  const settleBy =
    scheduler.now + 4 * (maxSessionMs + maxRebalanceMs) + settings.initialRebalanceDelayMs;
  let settled = settledGeneration(world, consumers, partitions);
  while (settled < 0 && scheduler.now < settleBy && steps < MAX_STEPS && (await scheduler.step())) {
    steps++;
    settled = settledGeneration(world, consumers, partitions);
  }

  observations.checkNoneStuck();
  const problems = [...observations.problems];
  if (settled < 0)
    problems.push(
      `the group did not settle within ${Math.round(settleBy - faultPhaseMs)} ms after faults stopped: ` +
        describeGroup(world, consumers),
    );
  observations.checkNoneStuck();
  problems.push(
    ...observations.problems.slice(problems.length),
    ...commitOrderProblems(world.tables),
  );
  return {
    seed,
    valid: problems.length === 0,
    problems,
    steps,
    crashes,
    finalGeneration: settled,
    simulatedMs: Math.round(scheduler.now),
    counts: scheduler.counts,
    answers: observations.answers,
  };
}

/**
 * The generation the group has settled at, or -1: the stored group is Stable with exactly the
 * live consumers as members, each consumer heartbeats in that generation, and their
 * assignments cover every partition exactly once.
 */
function settledGeneration(
  world: SimGroupWorld,
  consumers: readonly SimGroupConsumer[],
  partitions: number,
): number {
  const stored = world.tables.groups.get(GROUP);
  if (!stored || stored.state !== "Stable") return -1;
  if (!consumers.every((c) => c.stable && c.generation === stored.generationId)) return -1;
  const members = new Set(stored.members.map((m) => m.memberId));
  if (members.size !== consumers.length || !consumers.every((c) => members.has(c.memberId)))
    return -1;
  const owned = consumers.flatMap((c) => c.assignment).sort((a, b) => a - b);
  if (owned.length !== partitions || owned.some((p, i) => p !== i)) return -1;
  return stored.generationId;
}

function describeGroup(world: SimGroupWorld, consumers: readonly SimGroupConsumer[]): string {
  const stored = world.tables.groups.get(GROUP);
  const group = stored
    ? `stored ${stored.state} generation ${stored.generationId} members [${stored.members.map((m) => m.memberId).join(", ")}]`
    : "nothing stored";
  const members = consumers.map(
    (c) =>
      `${c.name}=${c.memberId || "?"}@${c.generation}${c.stable ? "" : "(rejoining)"}[${c.assignment.join(",")}]`,
  );
  return `${group}; consumers ${members.join(" ")}; agents ${[...world.registry.values()].map((a) => `${a.owner}${a.isAlive ? "" : "(down)"}`).join(", ")}`;
}

/** One failing seed for a person: what broke, and the command that replays it. */
export function describeGroupFailure(outcome: GroupSeedOutcome): string {
  return [
    `group simulation seed ${outcome.seed} FAILED (${outcome.steps} steps, ${outcome.crashes} crashes, ${outcome.simulatedMs} simulated ms)`,
    ...outcome.problems.map((p) => `  ${p}`),
    `reproduce: cd apps/agent && STREAMBED_SIM_SEED=${outcome.seed} npx vitest run test/sim/group-simulation.test.ts`,
  ].join("\n");
}
