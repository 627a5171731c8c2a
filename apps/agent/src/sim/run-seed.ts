import { type CheckReport, checkHistory, summarizeReport } from "@streambed/checker";
import { partitionKey } from "../metadata/commit-plan.ts";
import { SimAgent, type SimAgentConfig, type SimWorld } from "./sim-agent.ts";
import { SimConsumer, SimHistory, SimProducer, type SimTopic } from "./sim-clients.ts";
import { SimMetadata } from "./sim-metadata-store.ts";
import { SimBucket } from "./sim-object-store.ts";
import { SimScheduler } from "./sim-scheduler.ts";

/** What one seed's run found. */
export interface SeedOutcome {
  seed: number;
  valid: boolean;
  report: CheckReport;
  /** Violations found outside the history: stuck runs, durable state that breaks an invariant. */
  problems: string[];
  steps: number;
  crashes: number;
  simulatedMs: number;
  /** Operations completed, by label and fate. */
  counts: Map<string, number>;
}

/** Steps after which a run (or its healing phase) counts as stuck. */
const MAX_STEPS = 200_000;

/**
 * Runs the data plane's core under one seed: 1-3 agents, idempotent producers and consumers on
 * one topic, store and metadata faults, agent crashes. Then faults stop, producers finish, a
 * fresh agent reads everything back, and the checker judges the history. Same seed, same run.
 */
export async function runSeed(seed: number): Promise<SeedOutcome> {
  const scheduler = new SimScheduler(seed);
  const rate = (max: number) => (scheduler.chance(0.25) ? 0 : scheduler.random() * max);
  const topic: SimTopic = {
    name: "sim-topic",
    id: "5e000000-0000-4000-8000-000000000001",
    partitions: 1 + scheduler.int(3),
  };
  const metadata = new SimMetadata("sim-cluster");
  metadata.createPartitions(topic.id, topic.partitions);
  const world: SimWorld = {
    scheduler,
    bucket: new SimBucket(),
    metadata,
    storeFaults: {
      put: { error: rate(0.15), answerLost: rate(0.1) },
      read: { error: rate(0.1), answerLost: 0 },
      tornRead: rate(0.05),
    },
    metadataFaults: {
      commit: { error: rate(0.1), answerLost: rate(0.1) },
      read: { error: rate(0.05), answerLost: 0 },
      notifyLost: rate(0.1),
    },
  };
  const crashRate = rate(0.03);
  const agentConfig = (): SimAgentConfig => ({
    batchTimeoutMs: 1 + scheduler.int(20),
    batchMaxBytes: 100 + scheduler.int(4000),
    maxFlushesInFlight: 1 + scheduler.int(4),
    blockSize: 64 + scheduler.int(1024),
  });
  let incarnations = 0;
  const start = async (): Promise<SimAgent> => {
    const agent = new SimAgent(world, `agent-${incarnations++}`, agentConfig());
    await agent.start();
    return agent;
  };
  const agents: SimAgent[] = [];
  for (let n = 1 + scheduler.int(3); n > 0; n--) agents.push(await start());
  const pickAgent = () => {
    const live = agents.filter((a) => a.isAlive);
    return live.length === 0 ? undefined : live[scheduler.int(live.length)];
  };

  const history = new SimHistory(scheduler);
  let producerIds = 1000n;
  const newProducerId = () => {
    metadata.knownProducers.add(++producerIds);
    return producerIds;
  };
  const producers = Array.from(
    { length: 1 + scheduler.int(3) },
    (_, n) =>
      new SimProducer({
        name: `p${n}`,
        topic,
        batchesToSend: 5 + scheduler.int(20),
        requestTimeoutMs: 20 + scheduler.int(200),
        maxAttempts: 1 + scheduler.int(6),
        newProducerId,
        scheduler,
        history,
        pickAgent,
      }),
  );
  const consumer = new SimConsumer("live", topic, scheduler, history, pickAgent);
  for (const p of producers) p.start();
  consumer.start();

  const problems: string[] = [];
  let steps = 0;
  let crashes = 0;
  // Load with faults and crashes until the producers are done.
  while (!producers.every((p) => p.done) && steps < MAX_STEPS) {
    if (scheduler.pendingOperations > 0 && scheduler.chance(crashRate)) {
      const victim = agents.splice(scheduler.int(agents.length), 1)[0]!;
      victim.crash();
      crashes++;
      agents.push(await start());
    }
    await scheduler.step();
    steps++;
    // Faults stop halfway through the step budget: the platform must then recover by itself.
    if (steps === MAX_STEPS / 2) scheduler.faultsEnabled = false;
  }
  if (!producers.every((p) => p.done)) problems.push(`producers not done after ${steps} steps`);
  consumer.stop();
  scheduler.faultsEnabled = false;

  // A fresh agent reads every partition from offset 0 to its end.
  const reader = await start();
  const final = new SimConsumer("final", topic, scheduler, history, () => reader);
  const ends = Array.from({ length: topic.partitions }, (_, partition) => {
    return metadata.head({ topicId: topic.id, partition })!.highWatermark;
  });
  for (let polls = 0; !final.caughtUp(ends) && polls < 1_000; polls++) {
    let answered = false;
    void final.poll().finally(() => (answered = true));
    while (!answered && (await scheduler.step())) steps++;
  }
  if (!final.caughtUp(ends)) problems.push("the final read did not reach every partition's end");

  problems.push(...history.problems, ...durableStateProblems(world, topic));
  const report = checkHistory(history.events);
  return {
    seed,
    valid: report.valid && problems.length === 0,
    report,
    problems,
    steps,
    crashes,
    simulatedMs: Math.round(scheduler.now),
    counts: scheduler.counts,
  };
}

/**
 * Invariants of what is stored: each partition's index rows cover its offsets without a gap or
 * an overlap, and every row points into an object that was written, within its bytes.
 */
function durableStateProblems(world: SimWorld, topic: SimTopic): string[] {
  const problems: string[] = [];
  for (let partition = 0; partition < topic.partitions; partition++) {
    const ref = { topicId: topic.id, partition };
    const rows = world.metadata.index.get(partitionKey(ref))!;
    let next = 0n;
    for (const row of rows) {
      if (row.baseOffset !== next)
        problems.push(`partition ${partition}: index row at ${row.baseOffset}, expected ${next}`);
      next = row.lastOffset + 1n;
      const object = world.bucket.objects.get(row.objectKey);
      if (!object)
        problems.push(`partition ${partition}: row ${row.baseOffset} in a missing object`);
      else if (row.byteOffset + row.byteLength > object.length)
        problems.push(`partition ${partition}: row ${row.baseOffset} beyond its object's end`);
      if (world.metadata.objects.get(row.objectKey) !== "committed")
        problems.push(`object ${row.objectKey} referenced but not recorded as committed`);
    }
    if (next !== world.metadata.head(ref)!.highWatermark)
      problems.push(`partition ${partition}: rows end at ${next}, high watermark elsewhere`);
  }
  return problems;
}

/** One failing seed for a person: the verdict, what broke, and the command that replays it. */
export function describeFailure(outcome: SeedOutcome): string {
  return [
    `simulation seed ${outcome.seed} FAILED (${outcome.steps} steps, ${outcome.crashes} crashes, ${outcome.simulatedMs} simulated ms)`,
    ...outcome.problems.map((p) => `  ${p}`),
    summarizeReport(outcome.report),
    `reproduce: cd apps/agent && STREAMBED_SIM_SEED=${outcome.seed} npx vitest run test/sim/simulation.test.ts`,
  ].join("\n");
}
