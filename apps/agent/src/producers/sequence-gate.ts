import type { FlushEntry } from "../metadata/metadata-store.ts";
import type { ProducerPartitionState, SequenceVerdict } from "./sequence-check.ts";
import { appendBatch, appendMarker, checkSequence } from "./sequence-check.ts";

export const producerStateKey = (producerId: bigint, topicId: string, partition: number) =>
  `${producerId}:${topicId}:${partition}`;

/** What the metadata store knows about the producers of one flush. */
export interface ProducerStates {
  /** By producerStateKey. */
  states: Map<string, ProducerPartitionState>;
  /** Producer ids this cluster handed out; others (e.g. from before a metadata wipe) are not tracked. */
  knownProducers: Set<bigint>;
}

/** A (producer, partition) state the gate changed, stored with the commit. */
export interface ProducerStateChange {
  producerId: bigint;
  topicId: string;
  partition: number;
  state: ProducerPartitionState;
}

/**
 * The idempotent-producer check of one flush commit, over the states loaded after the
 * partitions were locked: `admit` decides each entry in offset order, and the commit stores
 * `changedStates()`.
 */
export class SequenceGate {
  private readonly changed = new Map<string, ProducerStateChange>();

  constructor(private readonly loaded: ProducerStates) {}

  /**
   * Decides one entry that would get offsets from `baseOffset` on. Entries of a partition must be
   * admitted in the order their offsets are assigned; an admitted entry is recorded at once, so
   * a duplicate later in the same flush is recognised too.
   */
  admit(entry: FlushEntry, baseOffset: bigint): SequenceVerdict {
    const producer = entry.producer;
    if (!producer || !this.loaded.knownProducers.has(producer.producerId))
      return { kind: "append" };
    const key = producerStateKey(producer.producerId, entry.topicId, entry.partition);
    const state = this.loaded.states.get(key);
    const verdict: SequenceVerdict = producer.control
      ? { kind: "append" }
      : checkSequence(state, producer);
    if (verdict.kind === "append") {
      const next = producer.control
        ? appendMarker(state, producer.producerEpoch, baseOffset)
        : appendBatch(state, producer, baseOffset, entry.recordCount);
      this.loaded.states.set(key, next);
      this.changed.set(key, {
        producerId: producer.producerId,
        topicId: entry.topicId,
        partition: entry.partition,
        state: next,
      });
    }
    return verdict;
  }

  changedStates(): ProducerStateChange[] {
    return [...this.changed.values()];
  }
}
