import type { ProducerBatchInfo } from "../metadata/metadata-store.ts";

/** How many of a producer's latest batches per partition are remembered for duplicate detection (Kafka's in-flight limit). */
export const recentBatchLimit = 5;

export interface RecentBatch {
  firstSeq: number;
  lastSeq: number;
  baseOffset: bigint;
}

/** What the partition knows about one producer: persisted in producer_partition_states. */
export interface ProducerPartitionState {
  producerEpoch: number;
  lastSequence: number;
  lastOffset: bigint;
  /** Oldest first, at most `recentBatchLimit`. */
  recent: RecentBatch[];
}

export type SequenceErrorCode = "OUT_OF_ORDER_SEQUENCE_NUMBER" | "INVALID_PRODUCER_EPOCH";

export type SequenceVerdict =
  | { kind: "append" }
  | { kind: "duplicate"; baseOffset: bigint }
  | { kind: "reject"; errorCode: SequenceErrorCode };

/** Sequences are int32 and wrap to 0 after the maximum, as in Kafka. */
export function nextSequence(sequence: number): number {
  return sequence === 0x7fffffff ? 0 : sequence + 1;
}

/**
 * Kafka's idempotence rule for one batch against the partition's producer state: a stale
 * epoch is fenced, a new epoch must start at sequence 0, a batch equal to one of the last five
 * is a duplicate (answered with its original offset), anything but the next sequence is a gap.
 * A producer the partition has never seen is accepted at any sequence.
 */
export function checkSequence(
  state: ProducerPartitionState | undefined,
  batch: ProducerBatchInfo,
): SequenceVerdict {
  if (!state) return { kind: "append" };
  if (batch.producerEpoch < state.producerEpoch)
    return { kind: "reject", errorCode: "INVALID_PRODUCER_EPOCH" };
  if (batch.producerEpoch > state.producerEpoch) {
    return batch.baseSequence === 0
      ? { kind: "append" }
      : { kind: "reject", errorCode: "OUT_OF_ORDER_SEQUENCE_NUMBER" };
  }
  const duplicate = state.recent.find(
    (r) => r.firstSeq === batch.baseSequence && r.lastSeq === batch.lastSequence,
  );
  if (duplicate) return { kind: "duplicate", baseOffset: duplicate.baseOffset };
  if (batch.baseSequence !== nextSequence(state.lastSequence)) {
    return { kind: "reject", errorCode: "OUT_OF_ORDER_SEQUENCE_NUMBER" };
  }
  return { kind: "append" };
}

/** The state after appending `batch` at `baseOffset` with `recordCount` offsets. */
export function appendBatch(
  state: ProducerPartitionState | undefined,
  batch: ProducerBatchInfo,
  baseOffset: bigint,
  recordCount: number,
): ProducerPartitionState {
  const kept = state && state.producerEpoch === batch.producerEpoch ? state.recent : [];
  const recent = [
    ...kept,
    { firstSeq: batch.baseSequence, lastSeq: batch.lastSequence, baseOffset },
  ].slice(-recentBatchLimit);
  return {
    producerEpoch: batch.producerEpoch,
    lastSequence: batch.lastSequence,
    lastOffset: baseOffset + BigInt(recordCount) - 1n,
    recent,
  };
}

/**
 * The state after a transaction marker (written by the coordinator, no sequence): a marker with a
 * newer epoch (a fenced or timed-out transaction) resets the sequences, so the zombie's old epoch
 * is refused and the new epoch starts at 0, as Kafka does; same epoch, sequences continue.
 */
export function appendMarker(
  state: ProducerPartitionState | undefined,
  producerEpoch: number,
  offset: bigint,
): ProducerPartitionState {
  if (state && state.producerEpoch >= producerEpoch) return { ...state, lastOffset: offset };
  return { producerEpoch, lastSequence: -1, lastOffset: offset, recent: [] };
}
