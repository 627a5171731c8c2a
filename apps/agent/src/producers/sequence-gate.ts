import type { FlushEntry } from "../metadata/metadata-store.ts";
import type { Queryable } from "../metadata/postgres/rows.ts";
import type { ProducerPartitionState, SequenceVerdict } from "./sequence-check.ts";
import { appendBatch, checkSequence } from "./sequence-check.ts";

const stateKey = (producerId: bigint, topicId: string, partition: number) =>
  `${producerId}:${topicId}:${partition}`;

interface StoredRecentBatch {
  firstSeq: number;
  lastSeq: number;
  baseOffset: string;
}

/**
 * The idempotent-producer check of one flush commit. Used inside the commit transaction after
 * the partitions are locked (so no other agent changes their producer states meanwhile):
 * `load` reads the states of every (producer, partition) in the flush in one query, `admit`
 * decides each entry in offset order, and the commit statement writes `changedStates()`.
 */
export class SequenceGate {
  private readonly changed = new Set<string>();

  private constructor(
    private readonly clusterId: string,
    private readonly states: Map<string, ProducerPartitionState>,
    /** Producer ids this cluster handed out; others (e.g. from before a metadata wipe) are not tracked. */
    private readonly knownProducers: Set<bigint>,
  ) {}

  static async load(
    db: Queryable,
    clusterId: string,
    entries: readonly FlushEntry[],
  ): Promise<SequenceGate> {
    const keyed = entries.filter((e) => e.producer && e.producer.producerId >= 0n);
    const states = new Map<string, ProducerPartitionState>();
    const knownProducers = new Set<bigint>();
    if (keyed.length > 0) {
      const { rows } = await db.query<{
        producer_id: bigint;
        topic_id: string;
        partition: number;
        producer_epoch: number | null;
        last_sequence: number;
        last_offset: bigint;
        recent: StoredRecentBatch[];
      }>(
        `SELECT p.producer_id, k.topic_id::text AS topic_id, k.partition, s.producer_epoch, s.last_sequence, s.last_offset, s.recent
           FROM unnest($1::bigint[], $2::uuid[], $3::int[]) AS k(producer_id, topic_id, partition)
           JOIN producer_ids p ON p.producer_id = k.producer_id
           LEFT JOIN producer_partition_states s
             ON s.producer_id = k.producer_id AND s.topic_id = k.topic_id AND s.partition = k.partition`,
        [
          keyed.map((e) => e.producer!.producerId.toString()),
          keyed.map((e) => e.topicId),
          keyed.map((e) => e.partition),
        ],
      );
      for (const r of rows) {
        knownProducers.add(BigInt(r.producer_id));
        if (r.producer_epoch === null) continue;
        states.set(stateKey(BigInt(r.producer_id), r.topic_id, r.partition), {
          producerEpoch: r.producer_epoch,
          lastSequence: r.last_sequence,
          lastOffset: BigInt(r.last_offset),
          recent: r.recent.map((b) => ({
            firstSeq: b.firstSeq,
            lastSeq: b.lastSeq,
            baseOffset: BigInt(b.baseOffset),
          })),
        });
      }
    }
    return new SequenceGate(clusterId, states, knownProducers);
  }

  /**
   * Decides one entry that would get offsets from `baseOffset` on. Entries of a partition must be
   * admitted in the order their offsets are assigned; an admitted entry is recorded at once, so
   * a duplicate later in the same flush is recognised too.
   */
  admit(entry: FlushEntry, baseOffset: bigint): SequenceVerdict {
    const producer = entry.producer;
    if (!producer || !this.knownProducers.has(producer.producerId)) return { kind: "append" };
    const key = stateKey(producer.producerId, entry.topicId, entry.partition);
    const state = this.states.get(key);
    const verdict = checkSequence(state, producer);
    if (verdict.kind === "append") {
      this.states.set(key, appendBatch(state, producer, baseOffset, entry.recordCount));
      this.changed.add(key);
    }
    return verdict;
  }

  /** The changed states, as the parameters of producerStatesUpsert after the cluster id. */
  changedStates(): unknown[] {
    const rows = [...this.changed].map((key) => {
      const [producerId, topicId, partition] = key.split(":") as [string, string, string];
      const s = this.states.get(key)!;
      const recent = s.recent.map((b) => ({
        firstSeq: b.firstSeq,
        lastSeq: b.lastSeq,
        baseOffset: b.baseOffset.toString(),
      }));
      return {
        producerId,
        topicId,
        partition: Number(partition),
        s,
        recent: JSON.stringify(recent),
      };
    });
    return [
      rows.map((r) => r.producerId),
      rows.map((r) => r.topicId),
      rows.map((r) => r.partition),
      rows.map((r) => r.s.producerEpoch),
      rows.map((r) => r.s.lastSequence),
      rows.map((r) => r.s.lastOffset.toString()),
      rows.map((r) => r.recent),
    ];
  }

  /** Writes the changed states on their own (a flush commit writes them within its statement). */
  async save(db: Queryable): Promise<void> {
    if (this.changed.size === 0) return;
    await db.query(producerStatesUpsert(1, 2), [this.clusterId, ...this.changedStates()]);
  }
}

/**
 * The statement that stores producer states: $`cluster` is the cluster id, the seven parameters
 * from $`first` on are SequenceGate.changedStates().
 */
export function producerStatesUpsert(cluster: number, first: number): string {
  const [producerIds, topicIds, partitions, epochs, sequences, offsets, recents] = Array.from(
    { length: 7 },
    (_, i) => `$${first + i}`,
  );
  return `INSERT INTO producer_partition_states
       (cluster_id, producer_id, topic_id, partition, producer_epoch, last_sequence, last_offset, recent, updated_at)
     SELECT $${cluster}, *, now()
     FROM unnest(${producerIds}::bigint[], ${topicIds}::uuid[], ${partitions}::int[], ${epochs}::int[], ${sequences}::int[], ${offsets}::bigint[], ${recents}::jsonb[])
     ON CONFLICT (producer_id, topic_id, partition) DO UPDATE SET
       producer_epoch = EXCLUDED.producer_epoch, last_sequence = EXCLUDED.last_sequence,
       last_offset = EXCLUDED.last_offset, recent = EXCLUDED.recent, updated_at = EXCLUDED.updated_at`;
}
