import type { HistoryEvent, ReadEvent } from "./history.ts";

export interface Position {
  topic: string;
  partition: number;
  offset: number;
}

/** Every kind of anomaly the checker finds; each list empty in a valid history. */
export interface Anomalies {
  /** Acknowledged, but no read ever returned it. */
  lost: (Position & { value: string })[];
  /** Read at more than one position (written twice). */
  duplicated: { value: string; positions: Position[] }[];
  /** Read, but never at the position its acknowledgement gave. */
  misplaced: { value: string; acked: Position; readAt: Position[] }[];
  /** One position read with different values. */
  divergent: (Position & { values: string[] })[];
  /** Offsets never read between two that were, per partition: [from, to] inclusive. */
  gaps: { topic: string; partition: number; from: number; to: number }[];
  /** A consumer read an offset not after the one it read before (without seeking in between). */
  reordered: (Position & { consumer: string; previous: number })[];
  /** Read, but never sent. */
  phantom: (Position & { value: string })[];
  /** One producer's acknowledged records to a partition out of the order it sent them. */
  producerOrder: (Position & { producer: string; value: string; previousOffset: number })[];
  /** A group's committed offset went backwards. */
  committedRegression: {
    group: string;
    topic: string;
    partition: number;
    offset: number;
    previous: number;
    source: "commit" | "fetch";
  }[];
}

export interface CheckCounts {
  sent: number;
  acknowledged: number;
  /** Sends answered with an error and never acknowledged (indeterminate). */
  failed: number;
  /** Of the failed ones, how many were read anyway (written, answer lost). */
  failedButWritten: number;
  /** Reads, and distinct values read. */
  reads: number;
  distinctRead: number;
  lost: number;
  duplicated: number;
}

export interface CheckReport {
  valid: boolean;
  counts: CheckCounts;
  anomalies: Anomalies;
}

export interface CheckOptions {
  /**
   * Producers were idempotent (the default): a duplicate is an anomaly. Without idempotence,
   * retries may write a record twice; duplicates are then reported but do not invalidate.
   */
  idempotent?: boolean;
}

const partitionKey = (topic: string, partition: number) => `${topic}\u0000${partition}`;
const positionKey = (p: Position) => `${partitionKey(p.topic, p.partition)}\u0000${p.offset}`;

/**
 * Judges a history (Jepsen style): for a valid one, every acknowledged record was read exactly
 * once at the position acknowledged, each partition is a gap-free sequence read in order, nothing
 * was read that was not written, and no group's committed offset went backwards.
 * Reads are expected to cover each partition from where reading started to its end (a final
 * read-everything pass does this).
 */
export function checkHistory(
  events: readonly HistoryEvent[],
  options: CheckOptions = {},
): CheckReport {
  const sent = new Set<string>();
  const acks = new Map<string, Position>();
  const errors = new Set<string>();
  const reads: ReadEvent[] = [];
  const anomalies: Anomalies = {
    lost: [],
    duplicated: [],
    misplaced: [],
    divergent: [],
    gaps: [],
    reordered: [],
    phantom: [],
    producerOrder: [],
    committedRegression: [],
  };
  const producerOf = new Map<string, string>();
  /** Acknowledged values per producer and partition, in the order they were sent. */
  const sendOrder = new Map<string, string[]>();
  const lastRead = new Map<string, number>();
  const committed = new Map<string, number>();

  for (const e of events) {
    switch (e.type) {
      case "send":
        sent.add(e.value);
        if (e.producer !== undefined) producerOf.set(e.value, e.producer);
        break;
      case "ack":
        acks.set(e.value, { topic: e.topic, partition: e.partition, offset: e.offset });
        break;
      case "error":
        errors.add(e.value);
        break;
      case "read": {
        reads.push(e);
        const key = `${e.consumer}\u0000${partitionKey(e.topic, e.partition)}`;
        const previous = lastRead.get(key);
        if (previous !== undefined && e.offset <= previous) {
          anomalies.reordered.push({
            consumer: e.consumer,
            topic: e.topic,
            partition: e.partition,
            offset: e.offset,
            previous,
          });
        }
        lastRead.set(key, e.offset);
        break;
      }
      case "seek":
        lastRead.delete(`${e.consumer}\u0000${partitionKey(e.topic, e.partition)}`);
        break;
      case "committed": {
        const key = `${e.group}\u0000${partitionKey(e.topic, e.partition)}`;
        const previous = committed.get(key);
        if (previous !== undefined && e.offset < previous) {
          anomalies.committedRegression.push({
            group: e.group,
            topic: e.topic,
            partition: e.partition,
            offset: e.offset,
            previous,
            source: e.source,
          });
        }
        committed.set(key, Math.max(previous ?? e.offset, e.offset));
        break;
      }
    }
  }
  // Sends are recorded in the order the producer issued them; acks may arrive in any order.
  for (const e of events) {
    if (e.type !== "send" || e.producer === undefined) continue;
    const ack = acks.get(e.value);
    if (!ack) continue;
    const key = `${e.producer}\u0000${partitionKey(ack.topic, ack.partition)}`;
    const list = sendOrder.get(key) ?? [];
    if (!list.includes(e.value)) list.push(e.value);
    sendOrder.set(key, list);
  }

  const positionsOf = new Map<string, Map<string, Position>>();
  const valuesAt = new Map<string, { position: Position; values: Set<string> }>();
  for (const r of reads) {
    const position = { topic: r.topic, partition: r.partition, offset: r.offset };
    const key = positionKey(position);
    const perValue = positionsOf.get(r.value) ?? new Map<string, Position>();
    perValue.set(key, position);
    positionsOf.set(r.value, perValue);
    const at = valuesAt.get(key) ?? { position, values: new Set<string>() };
    at.values.add(r.value);
    valuesAt.set(key, at);
  }
  for (const [value, positions] of positionsOf) {
    if (!sent.has(value)) anomalies.phantom.push({ ...positions.values().next().value!, value });
  }

  for (const [value, acked] of acks) {
    const positions = positionsOf.get(value);
    if (!positions) {
      anomalies.lost.push({ ...acked, value });
    } else if (!positions.has(positionKey(acked))) {
      anomalies.misplaced.push({ value, acked, readAt: [...positions.values()] });
    }
  }
  for (const [value, positions] of positionsOf) {
    if (positions.size > 1)
      anomalies.duplicated.push({ value, positions: [...positions.values()] });
  }
  for (const { position, values } of valuesAt.values()) {
    if (values.size > 1) anomalies.divergent.push({ ...position, values: [...values].sort() });
  }
  anomalies.gaps = findGaps([...valuesAt.values()].map((v) => v.position));

  for (const [key, values] of sendOrder) {
    const producer = key.slice(0, key.indexOf("\u0000"));
    let previous: Position | undefined;
    for (const value of values) {
      const ack = acks.get(value)!;
      if (previous && ack.offset <= previous.offset) {
        anomalies.producerOrder.push({ ...ack, producer, value, previousOffset: previous.offset });
      }
      previous = ack;
    }
  }

  const failed = [...errors].filter((v) => !acks.has(v));
  const counts: CheckCounts = {
    sent: sent.size,
    acknowledged: acks.size,
    failed: failed.length,
    failedButWritten: failed.filter((v) => positionsOf.has(v)).length,
    reads: reads.length,
    distinctRead: positionsOf.size,
    lost: anomalies.lost.length,
    duplicated: anomalies.duplicated.length,
  };
  const idempotent = options.idempotent ?? true;
  const valid = (Object.keys(anomalies) as (keyof Anomalies)[]).every(
    (kind) => anomalies[kind].length === 0 || (kind === "duplicated" && !idempotent),
  );
  return { valid, counts, anomalies };
}

function findGaps(positions: Position[]): Anomalies["gaps"] {
  const byPartition = new Map<string, { topic: string; partition: number; offsets: number[] }>();
  for (const p of positions) {
    const key = partitionKey(p.topic, p.partition);
    const entry = byPartition.get(key) ?? { topic: p.topic, partition: p.partition, offsets: [] };
    entry.offsets.push(p.offset);
    byPartition.set(key, entry);
  }
  const gaps: Anomalies["gaps"] = [];
  for (const { topic, partition, offsets } of byPartition.values()) {
    offsets.sort((a, b) => a - b);
    for (let i = 1; i < offsets.length; i++) {
      if (offsets[i]! > offsets[i - 1]! + 1)
        gaps.push({ topic, partition, from: offsets[i - 1]! + 1, to: offsets[i]! - 1 });
    }
  }
  return gaps;
}
