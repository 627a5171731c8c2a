import type { HistoryEvent } from "@streambed/checker";
import {
  buildRecordBatch,
  iterateRecords,
  RECORD_BATCH_HEADER_SIZE,
  splitBatches,
} from "@streambed/protocol";
import type { FetchPartitionResult } from "../fetch/fetch-reader.ts";
import type { ProduceEntry } from "../produce/produce-buffer.ts";
import { validateRecordBatches } from "../produce/validate-records.ts";
import type { SimAgent } from "./sim-agent.ts";
import type { SimScheduler } from "./sim-scheduler.ts";

type Untimed<E> = E extends HistoryEvent ? Omit<E, "time"> : never;

/** The history the checker judges, stamped with simulated time. */
export class SimHistory {
  readonly events: HistoryEvent[] = [];
  /** Things the clients saw that no correct agent answers (e.g. a sequence error). */
  readonly problems: string[] = [];
  constructor(private readonly scheduler: SimScheduler) {}

  add(event: Untimed<HistoryEvent>): void {
    this.events.push({ ...event, time: this.scheduler.now } as HistoryEvent);
  }
}

export interface SimTopic {
  name: string;
  id: string;
  partitions: number;
}

/** The live agents a client may talk to; undefined while every agent is down. */
export type PickAgent = () => SimAgent | undefined;

interface Batch {
  partition: number;
  values: string[];
  entry: ProduceEntry;
}

export interface SimProducerOptions {
  name: string;
  topic: SimTopic;
  batchesToSend: number;
  requestTimeoutMs: number;
  /** Failed requests in a row after which the batches are given up (delivery timeout). */
  maxAttempts: number;
  /** InitProducerId: a fresh producer id (epoch 0). */
  newProducerId: () => bigint;
  scheduler: SimScheduler;
  history: SimHistory;
  pickAgent: PickAgent;
}

/**
 * An idempotent producer, as Kafka clients behave: one request in flight, one batch per
 * partition in it, a failed or timed-out batch retried with its sequence unchanged. After
 * `maxAttempts` failures in a row it gives its batches up (their fate unknown: the checker's
 * indeterminate sends) and starts over with a new producer id, as a client must: sending new
 * data under the given-up batches' sequence numbers would make them look like retries.
 */
export class SimProducer {
  private readonly name: string;
  private readonly topic: SimTopic;
  private readonly scheduler: SimScheduler;
  private readonly history: SimHistory;
  private readonly unacked = new Map<number, Batch>();
  private producerId: bigint;
  private sequences: number[];
  private sent = 0;
  private failures = 0;
  private inFlight = false;

  constructor(private readonly options: SimProducerOptions) {
    this.name = options.name;
    this.topic = options.topic;
    this.scheduler = options.scheduler;
    this.history = options.history;
    this.producerId = options.newProducerId();
    this.sequences = this.freshSequences();
  }

  private freshSequences(): number[] {
    return Array.from({ length: this.topic.partitions }, () => 0);
  }

  get done(): boolean {
    return this.sent === this.options.batchesToSend && this.unacked.size === 0;
  }

  start(): void {
    this.tick();
  }

  private tick(): void {
    if (this.done) return;
    void this.sendRequest().finally(() =>
      this.scheduler
        .clockFor(`client:${this.name}`)
        .schedule(1 + this.scheduler.int(10), () => this.tick()),
    );
  }

  private async sendRequest(): Promise<void> {
    if (this.inFlight) return;
    const agent = this.options.pickAgent();
    if (!agent) return;
    this.inFlight = true;
    try {
      for (let p = 0; p < this.topic.partitions; p++) {
        if (
          this.unacked.has(p) ||
          this.sent === this.options.batchesToSend ||
          this.scheduler.chance(0.3)
        )
          continue;
        this.unacked.set(p, await this.newBatch(p));
        this.sent++;
      }
      const batches = [...this.unacked.values()];
      if (batches.length === 0) return;
      let results;
      try {
        results = await this.withTimeout(agent.produce(batches.map((b) => b.entry)));
      } catch (error) {
        // Retriable (flush failed, connection closed, timed out while the agent may still
        // commit it): the same batches go again, up to maxAttempts.
        if (++this.failures >= this.options.maxAttempts) this.giveUp(batches, error);
        return;
      }
      this.failures = 0;
      results.forEach((result, i) => {
        const batch = batches[i]!;
        this.unacked.delete(batch.partition);
        if (!result.ok) {
          this.history.problems.push(`${this.name}: produce answered ${result.errorCode}`);
          for (const value of batch.values)
            this.history.add({ type: "error", value, error: result.errorCode });
          return;
        }
        batch.values.forEach((value, n) =>
          this.history.add({
            type: "ack",
            value,
            topic: this.topic.name,
            partition: batch.partition,
            offset: Number(result.baseOffset) + n,
          }),
        );
      });
    } finally {
      this.inFlight = false;
    }
  }

  private giveUp(batches: readonly Batch[], error: unknown): void {
    this.scheduler.count("produce-given-up");
    for (const batch of batches) {
      this.unacked.delete(batch.partition);
      for (const value of batch.values)
        this.history.add({ type: "error", value, error: String(error) });
    }
    this.failures = 0;
    this.producerId = this.options.newProducerId();
    this.sequences = this.freshSequences();
  }

  /** A client's request timeout: it stops waiting, the agent carries on with the request. */
  private withTimeout<T>(request: Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const timer = this.scheduler
        .clockFor(`client:${this.name}`)
        .schedule(this.options.requestTimeoutMs, () => {
          this.scheduler.count("produce-request-timeout");
          reject(new Error("request timed out"));
        });
      request.then(
        (value) => {
          timer.cancel();
          resolve(value);
        },
        (error: unknown) => {
          timer.cancel();
          reject(error instanceof Error ? error : new Error(String(error)));
        },
      );
    });
  }

  private async newBatch(partition: number): Promise<Batch> {
    const count = 1 + this.scheduler.int(3);
    const values = Array.from({ length: count }, (_, n) => `${this.name}-${this.sent}-${n}`);
    for (const value of values)
      this.history.add({
        type: "send",
        value,
        topic: this.topic.name,
        partition,
        producer: this.name,
      });
    const baseSequence = this.sequences[partition]!;
    this.sequences[partition] = baseSequence + count;
    const bytes = await buildRecordBatch({
      records: values.map((v) => ({ value: Buffer.from(v) })),
      producerId: this.producerId,
      producerEpoch: 0,
      baseSequence,
      firstTimestamp: this.scheduler.clockFor("client").wallNow(),
    });
    // The validation a Produce request's records go through before they are buffered.
    const validated = validateRecordBatches(bytes, 1 << 20);
    return {
      partition,
      values,
      entry: {
        topicId: this.topic.id,
        partition,
        topicName: this.topic.name,
        batches: bytes,
        recordCount: validated.recordCount,
        maxTimestamp: validated.maxTimestamp,
        ...(validated.producer ? { producer: validated.producer } : {}),
      },
    };
  }
}

/**
 * A consumer reading every partition forward from offset 0 through whichever agent is up,
 * recording each record it reads; it seeks (re-reads from its position) after an agent change.
 */
export class SimConsumer {
  private readonly positions: bigint[];
  private stopped = false;

  constructor(
    readonly name: string,
    private readonly topic: SimTopic,
    private readonly scheduler: SimScheduler,
    private readonly history: SimHistory,
    private readonly pickAgent: PickAgent,
  ) {
    this.positions = Array.from({ length: topic.partitions }, () => 0n);
    for (let partition = 0; partition < topic.partitions; partition++)
      history.add({ type: "seek", consumer: name, topic: topic.name, partition });
  }

  start(): void {
    const tick = () => {
      if (this.stopped) return;
      void this.poll().finally(() =>
        this.scheduler.clockFor(`client:${this.name}`).schedule(2 + this.scheduler.int(15), tick),
      );
    };
    tick();
  }

  stop(): void {
    this.stopped = true;
  }

  /** Whether every partition has been read up to these high watermarks. */
  caughtUp(highWatermarks: readonly bigint[]): boolean {
    return this.positions.every((p, i) => p >= highWatermarks[i]!);
  }

  async poll(): Promise<void> {
    const agent = this.pickAgent();
    if (!agent) return;
    let results: FetchPartitionResult[];
    try {
      results = await agent.fetch({
        partitions: this.positions.map((fetchOffset, partition) => ({
          topicId: this.topic.id,
          partition,
          fetchOffset,
          partitionMaxBytes: 40 + this.scheduler.int(800),
        })),
        maxBytes: 40 + this.scheduler.int(2000),
        minBytes: 1,
        maxWaitMs: [0, 0, 5, 30][this.scheduler.int(4)]!,
      });
    } catch {
      return;
    }
    for (const result of results) this.take(result);
  }

  private take(result: FetchPartitionResult): void {
    if (result.errorCode !== undefined || result.records.length === 0) return;
    for (const batch of splitBatches(result.records).batches) {
      const { baseOffset, recordCount } = batch.header;
      const payload = batch.bytes.subarray(RECORD_BATCH_HEADER_SIZE);
      let n = 0;
      for (const record of iterateRecords(payload, recordCount)) {
        const offset = baseOffset + BigInt(record.offsetDelta);
        n++;
        // Whole batches come back: records before the position were read already.
        if (offset < this.positions[result.partition]!) continue;
        this.history.add({
          type: "read",
          consumer: this.name,
          topic: this.topic.name,
          partition: result.partition,
          offset: Number(offset),
          value: record.value?.toString() ?? "",
        });
        this.positions[result.partition] = offset + 1n;
      }
      if (n !== recordCount) this.history.problems.push(`${this.name}: batch short of records`);
    }
  }
}
