import { HistoryRecorder } from "@streambed/checker";
import type { Consumer, Producer } from "kafkajs";
import { kafkaClient } from "../support/kafkajs-admin.ts";
import { readPartition } from "../support/kafkajs-partition-reader.ts";

export interface LoadOptions {
  bootstrap: string[];
  topic: string;
  partitions: number;
  producers: number;
  /** Records per send (all to one partition, so each one's offset follows from the base offset). */
  batch?: number;
  group: string;
}

export interface RunningLoad {
  history: HistoryRecorder;
  /** Times (history.now()) of every acknowledgement, to measure recovery after a fault. */
  ackTimes: number[];
  /** Stops producing, lets the consumer catch up, and reads every partition to its end. */
  finish(): Promise<void>;
}

/** The load consumer's long-poll wait (KafkaJS's default is 5 s). */
export const MAX_WAIT_MS = 1000;

/**
 * Produce + consume + group load from real clients (KafkaJS), every send, acknowledgement,
 * error, read and commit recorded for the checker. Producers are idempotent and never resend a
 * value themselves (only the client library retries), so each value is written at most once.
 */
export async function startRecordedLoad(o: LoadOptions): Promise<RunningLoad> {
  const history = new HistoryRecorder();
  const ackTimes: number[] = [];
  const batch = o.batch ?? 10;
  let producing = true;

  const producers: Producer[] = [];
  const connectProducer = async (id: number): Promise<Producer> => {
    for (;;) {
      const producer = kafkaClient(o.bootstrap, `load-producer-${id}`).producer({
        idempotent: true,
        maxInFlightRequests: 1,
        retry: { retries: 10, initialRetryTime: 100, maxRetryTime: 2000 },
      });
      producers[id] = producer;
      try {
        await producer.connect();
        return producer;
      } catch {
        await new Promise((r) => setTimeout(r, 500));
      }
    }
  };
  const loops = Array.from({ length: o.producers }, async (_, id) => {
    let producer = await connectProducer(id);
    for (let seq = 0; producing; seq++) {
      const partition = seq % o.partitions;
      const values = Array.from({ length: batch }, (_, i) => `p${id}-${seq}-${i}`);
      for (const value of values)
        history.send({ value, topic: o.topic, partition, producer: `p${id}` });
      try {
        const [result] = await producer.send({
          topic: o.topic,
          acks: -1,
          messages: values.map((value) => ({ partition, value })),
        });
        const base = Number(result!.baseOffset);
        values.forEach((value, i) =>
          history.ack({ value, topic: o.topic, partition, offset: base + i }),
        );
        ackTimes.push(history.now());
      } catch (err) {
        for (const value of values)
          history.error({ value, error: err instanceof Error ? err.message : String(err) });
        await new Promise((r) => setTimeout(r, 200));
        // KafkaJS does not advance a partition's sequence after a failed send, so its next batch
        // would reuse the failed one's sequence numbers: if the failed batch was in fact written
        // (answer lost), any broker, Kafka's included, takes the new batch for a retry of it and
        // acknowledges it at the old offset without writing it. A new producer id starts over.
        await producer.disconnect().catch(() => undefined);
        producer = await connectProducer(id);
      }
    }
  });

  const consumer: Consumer = kafkaClient(o.bootstrap, "load-consumer").consumer({
    groupId: o.group,
    maxWaitTimeInMs: MAX_WAIT_MS,
    retry: { retries: 20, initialRetryTime: 100, maxRetryTime: 2000 },
  });
  let member = "load-consumer";
  consumer.on(consumer.events.GROUP_JOIN, (e) => {
    member = `${e.payload.memberId}`;
    for (const [topic, partitions] of Object.entries(e.payload.memberAssignment))
      for (const partition of partitions) history.seek({ consumer: member, topic, partition });
  });
  consumer.on(consumer.events.COMMIT_OFFSETS, (e) => {
    for (const t of e.payload.topics)
      for (const p of t.partitions)
        history.committed({
          group: o.group,
          topic: t.topic,
          partition: p.partition,
          offset: Number(p.offset),
          source: "commit",
        });
  });
  await consumer.connect();
  await consumer.subscribe({ topic: o.topic, fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ topic, partition, message }) => {
      history.read({
        consumer: member,
        topic,
        partition,
        offset: Number(message.offset),
        value: message.value!.toString(),
      });
    },
  });

  return {
    history,
    ackTimes,
    async finish() {
      producing = false;
      await slowStepsReported("producers stop", () => Promise.all(loops));
      await Promise.all(producers.map((p) => p.disconnect().catch(() => undefined)));
      await new Promise((r) => setTimeout(r, 2000));
      // KafkaJS's disconnect can wait forever on a runner whose broker was killed under it; the
      // final read below does not need it, so the history is judged either way.
      await slowStepsReported("consumer disconnect", () =>
        Promise.race([
          consumer.disconnect().catch(() => undefined),
          new Promise((r) => setTimeout(r, 15_000)).then(() =>
            console.warn("[load] the load consumer did not disconnect within 15 s; going on"),
          ),
        ]),
      );
      const admin = kafkaClient(o.bootstrap).admin();
      await admin.connect();
      const highs = await admin.fetchTopicOffsets(o.topic);
      await admin.disconnect();
      for (const { partition, high } of highs) {
        const messages = await slowStepsReported(`final read of partition ${partition}`, () =>
          readAll(o.bootstrap[0]!, o.topic, partition, Number(high)),
        );
        for (const m of messages)
          history.read({
            consumer: "final-read",
            topic: o.topic,
            partition,
            offset: Number(m.offset),
            value: m.value!.toString(),
          });
      }
    },
  };
}

/** Runs a step of finish(), saying so when it takes long: where a stalled scenario stalls. */
async function slowStepsReported<T>(name: string, step: () => Promise<T>): Promise<T> {
  const started = Date.now();
  const report = setInterval(
    () => console.warn(`[load] finish: ${name} still running after ${Date.now() - started} ms`),
    10_000,
  );
  try {
    return await step();
  } finally {
    clearInterval(report);
  }
}

/**
 * Every record of a partition up to `high`; a fetch error (an injected store fault may still be
 * active) is retried, as a consumer would.
 */
async function readAll(bootstrap: string, topic: string, partition: number, high: number) {
  for (let attempt = 1; ; attempt++) {
    try {
      return await readPartition(bootstrap, topic, partition, 0n, high, 60_000);
    } catch (err) {
      if (attempt === 20) throw err;
      await new Promise((r) => setTimeout(r, 250));
    }
  }
}

/** The longest stretch without any acknowledgement after `fromMs` (recovery after a fault). */
export function longestAckGap(ackTimes: number[], fromMs = 0): number {
  const times = ackTimes.filter((t) => t >= fromMs).sort((a, b) => a - b);
  let gap = 0;
  for (let i = 1; i < times.length; i++) gap = Math.max(gap, times[i]! - times[i - 1]!);
  return gap;
}
