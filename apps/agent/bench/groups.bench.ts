/**
 * `npm run bench -w @streambed/agent` (after run.ts): consumer-facing figures of one agent (its own
 * process) on the local-directory store at the default batch timeout, measured with KafkaJS.
 *   - end-to-end latency (send -> eachMessage) p50/p99 at a steady rate;
 *   - rebalance time of a 3-member group with the initial rebalance delay at 0: from the third
 *     member's start until all three hold their share of the partitions (several rounds).
 *   - KIP-848 (group.protocol=consumer, @platformatic/kafka) against classic (KafkaJS) in the
 *     same run: a 3-member group grows to 6 and shrinks back to 3; each step is timed from the
 *     change until every member holds its share (4, 2, then 4 of 12 partitions).
 * KafkaJS heartbeats between fetches, so its members notice a rebalance only when their long poll
 * returns: the consumers use maxWaitTimeInMs = heartbeat interval = 1 s. KIP-848 members
 * heartbeat at the interval the agent gives them, also 1 s here.
 */
import { Kafka, logLevel, type Consumer } from "kafkajs";
import { createTestDatabase, startTestPostgres } from "@streambed/db/testing";
import { parseConfig } from "../src/config.ts";
import { startKip848Member, type Kip848Member } from "../test/support/kip848-member.ts";
import { startChildAgent, tempBucket } from "../test/support/test-agents.ts";

const LATENCY_SECONDS = 10;
const LATENCY_RATE = 100;
const REBALANCE_ROUNDS = Number(process.env.REBALANCE_ROUNDS ?? 5);
const HEARTBEAT_INTERVAL_MS = 1000;

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function endToEndLatency(kafka: Kafka): Promise<{ endToEnd: number[]; acks: number[] }> {
  const topic = "bench-e2e";
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic, numPartitions: 4 }] });
  await admin.disconnect();
  const latencies: number[] = [];
  const consumer = kafka.consumer({ groupId: "bench-e2e" });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: false });
  const joined = new Promise<void>((resolve) =>
    consumer.on(consumer.events.GROUP_JOIN, () => resolve()),
  );
  await consumer.run({
    eachMessage: async ({ message }) =>
      void latencies.push(Date.now() - Number(message.value!.toString())),
  });
  await joined;
  await sleep(1000);
  const producer = kafka.producer();
  await producer.connect();
  const sends: Promise<unknown>[] = [];
  const acks: number[] = [];
  const total = LATENCY_SECONDS * LATENCY_RATE;
  const started = Date.now();
  for (let i = 0; i < total; i++) {
    await sleep(Math.max(0, started + (i * 1000) / LATENCY_RATE - Date.now()));
    const sentAt = Date.now();
    sends.push(
      producer
        .send({ topic, acks: -1, messages: [{ partition: i % 4, value: String(sentAt) }] })
        .then(() => acks.push(Date.now() - sentAt)),
    );
  }
  await Promise.all(sends);
  const deadline = Date.now() + 10_000;
  while (latencies.length < total && Date.now() < deadline) await sleep(50);
  await producer.disconnect();
  await consumer.disconnect();
  return { endToEnd: latencies.sort((a, b) => a - b), acks: acks.sort((a, b) => a - b) };
}

/** Starts a member; resolves once it is running. `shares` holds each member's latest partition count. */
async function startMember(
  kafka: Kafka,
  groupId: string,
  topic: string,
  name: string,
  shares: Map<string, { count: number; at: number }>,
): Promise<Consumer> {
  const consumer = kafka.consumer({
    groupId,
    sessionTimeout: 10_000,
    heartbeatInterval: HEARTBEAT_INTERVAL_MS,
    maxWaitTimeInMs: HEARTBEAT_INTERVAL_MS,
  });
  consumer.on(consumer.events.GROUP_JOIN, (e) => {
    const count = Object.values(e.payload.memberAssignment).reduce(
      (sum, partitions) => sum + partitions.length,
      0,
    );
    shares.set(name, { count, at: Date.now() });
  });
  await consumer.connect();
  await consumer.subscribe({ topic });
  await consumer.run({ eachMessage: async () => undefined });
  return consumer;
}

async function rebalanceTimes(kafka: Kafka): Promise<number[]> {
  const topic = "bench-rebalance";
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic, numPartitions: 12 }] });
  await admin.disconnect();
  const times: number[] = [];
  for (let round = 0; round < REBALANCE_ROUNDS; round++) {
    const groupId = `bench-rebalance-${round}`;
    const shares = new Map<string, { count: number; at: number }>();
    const members = [await startMember(kafka, groupId, topic, "m1", shares)];
    while (shares.get("m1")?.count !== 12) await sleep(20);
    members.push(await startMember(kafka, groupId, topic, "m2", shares));
    while (shares.get("m2")?.count !== 6 || shares.get("m1")?.count !== 6) await sleep(20);
    const lastJoin = Date.now();
    members.push(await startMember(kafka, groupId, topic, "m3", shares));
    while (
      !["m1", "m2", "m3"].every((m) => shares.get(m)?.count === 4 && shares.get(m)!.at >= lastJoin)
    )
      await sleep(5);
    times.push(Math.max(...[...shares.values()].map((s) => s.at)) - lastJoin);
    await Promise.all(members.map((m) => m.disconnect()));
  }
  return times.sort((a, b) => a - b);
}

const GROW_SHRINK_ROUNDS = Number(process.env.GROW_SHRINK_ROUNDS ?? 3);

async function until(done: () => boolean): Promise<void> {
  while (!done()) await sleep(5);
}

/** Milliseconds for 3 -> 6 and 6 -> 3 members of a classic (KafkaJS) group on 12 partitions. */
async function classicGrowShrink(kafka: Kafka, topic: string, round: number): Promise<number[]> {
  const groupId = `bench-classic-${round}`;
  const shares = new Map<string, { count: number; at: number }>();
  const holds = (names: string[], count: number, since: number) =>
    names.every((m) => shares.get(m)?.count === count && shares.get(m)!.at >= since);
  const first = ["c1", "c2", "c3"];
  const second = ["c4", "c5", "c6"];
  const members = new Map<string, Consumer>();
  for (const name of first)
    members.set(name, await startMember(kafka, groupId, topic, name, shares));
  await until(() => holds(first, 4, 0));
  const grow = Date.now();
  for (const name of second)
    members.set(name, await startMember(kafka, groupId, topic, name, shares));
  await until(() => holds([...first, ...second], 2, grow));
  const grown = Date.now() - grow;
  const shrink = Date.now();
  await Promise.all(second.map((name) => members.get(name)!.disconnect()));
  await until(() => holds(first, 4, shrink));
  const shrunk = Date.now() - shrink;
  await Promise.all(first.map((name) => members.get(name)!.disconnect()));
  return [grown, shrunk];
}

/** The same for a KIP-848 group (@platformatic/kafka, group.protocol=consumer). */
async function kip848GrowShrink(
  bootstrap: string,
  topic: string,
  round: number,
): Promise<number[]> {
  const groupId = `bench-kip848-${round}`;
  const start = (name: string) => startKip848Member({ bootstrap, groupId, topics: [topic], name });
  const holds = (members: Kip848Member[], count: number) =>
    members.every((m) => m.assignedCount() === count);
  const first = await Promise.all(["k1", "k2", "k3"].map(start));
  await until(() => holds(first, 4));
  const grow = Date.now();
  const second = await Promise.all(["k4", "k5", "k6"].map(start));
  await until(() => holds([...first, ...second], 2));
  const grown = Date.now() - grow;
  const shrink = Date.now();
  await Promise.all(second.map((m) => m.stop()));
  await until(() => holds(first, 4));
  const shrunk = Date.now() - shrink;
  await Promise.all(first.map((m) => m.stop()));
  return [grown, shrunk];
}

async function growShrink(kafka: Kafka, bootstrap: string) {
  const topic = "bench-grow-shrink";
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic, numPartitions: 12 }] });
  await admin.disconnect();
  const times = { classic: [[], []] as number[][], kip848: [[], []] as number[][] };
  // Alternating, so both protocols see the same machine load.
  for (let round = 0; round < GROW_SHRINK_ROUNDS; round++) {
    const c = await classicGrowShrink(kafka, topic, round);
    const k = await kip848GrowShrink(bootstrap, topic, round);
    c.forEach((ms, i) => times.classic[i]!.push(ms));
    k.forEach((ms, i) => times.kip848[i]!.push(ms));
  }
  const summary = (ms: number[]) => {
    const sorted = [...ms].sort((a, b) => a - b);
    return `median ${percentile(sorted, 50)} ms, max ${sorted.at(-1)} ms`;
  };
  for (const [protocol, [grown, shrunk]] of Object.entries(times)) {
    console.log(
      `${protocol} group 3 -> 6 -> 3 members (12 partitions, heartbeat ${HEARTBEAT_INTERVAL_MS} ms, ${GROW_SHRINK_ROUNDS} rounds): ` +
        `3 -> 6 ${summary(grown!)}; 6 -> 3 ${summary(shrunk!)}`,
    );
  }
}

const postgres = await startTestPostgres();
const db = await createTestDatabase(postgres.adminUrl);
const bucket = await tempBucket();
const agent = await startChildAgent({
  databaseUrl: db.url,
  bucketUrl: bucket.url,
  clusterId: "bench",
  extra: [
    "--group-initial-rebalance-delay-ms",
    "0",
    "--group-consumer-heartbeat-interval-ms",
    String(HEARTBEAT_INTERVAL_MS),
  ],
});
const defaults = parseConfig(["--database-url", db.url, "--bucket-url", bucket.url], {});
const batchTimeoutMs = defaults.help ? 0 : defaults.config.batchTimeoutMs;
const kafka = new Kafka({
  clientId: "bench-groups",
  brokers: [agent.bootstrap],
  logLevel: logLevel.NOTHING,
});
try {
  const { endToEnd, acks } = await endToEndLatency(kafka);
  console.log(
    `end-to-end latency (KafkaJS, acks=all, ${LATENCY_RATE} records/s, default batch timeout ${batchTimeoutMs} ms): ` +
      `p50 ${percentile(endToEnd, 50)} ms, p99 ${percentile(endToEnd, 99)} ms over ${endToEnd.length} records (target p99 <= ${2 * batchTimeoutMs + 100} ms); ` +
      `produce acks p50 ${percentile(acks, 50)} ms, p99 ${percentile(acks, 99)} ms`,
  );
  const times = await rebalanceTimes(kafka);
  console.log(
    `3-member rebalance (12 partitions, initial delay 0, heartbeat ${HEARTBEAT_INTERVAL_MS} ms): ` +
      `median ${percentile(times, 50)} ms, max ${times.at(-1)} ms over ${times.length} rounds (target < 3000 ms after the last join)`,
  );
  await growShrink(kafka, agent.bootstrap);
} finally {
  await agent.kill("SIGTERM");
  await db.drop();
  await postgres.teardown();
  await bucket.remove();
}
