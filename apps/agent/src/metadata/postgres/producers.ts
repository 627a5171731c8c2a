import type { FlushEntry } from "../metadata-store.ts";
import type {
  InitProducerIdRequest,
  InitProducerIdResult,
  ProducerStore,
} from "../producer-store.ts";
import type { ProducerPartitionState } from "../../producers/sequence-check.ts";
import {
  type ProducerStateChange,
  type ProducerStates,
  producerStateKey,
} from "../../producers/sequence-gate.ts";
import { named } from "./named-params.ts";
import type { Queryable } from "./rows.ts";

/** Kafka bumps to a new producer id rather than let the epoch reach Short.MAX_VALUE. */
const maxEpoch = 32766;

/** Producer ids in Postgres. */
export class PostgresProducerStore implements ProducerStore {
  constructor(private readonly db: Queryable) {}

  init(clusterId: string, req: InitProducerIdRequest): Promise<InitProducerIdResult> {
    return initProducerId(this.db, clusterId, req);
  }
}

/**
 * Hands out producer ids from the cluster-wide producer_ids sequence, so ids are unique across
 * agents. An idempotent producer gets a fresh id with epoch 0 on every call (as in Kafka); a
 * transactional id keeps its producer id and gets the next epoch, fencing older instances.
 */
export async function initProducerId(
  db: Queryable,
  clusterId: string,
  req: InitProducerIdRequest,
): Promise<InitProducerIdResult> {
  if (req.transactionalId === null) {
    const { rows } = await db.query<{ producer_id: bigint }>(
      "INSERT INTO producer_ids (cluster_id) VALUES ($1) RETURNING producer_id",
      [clusterId],
    );
    return { ok: true, producerId: BigInt(rows[0]!.producer_id), producerEpoch: 0 };
  }
  // Transactional ids are opaque (NUL included): kept as their UTF-8 bytes.
  const transactionalId = Buffer.from(req.transactionalId, "utf8");
  // The caller holding (producerId, epoch) may bump; a caller with another epoch is fenced.
  const { rows } = await db.query<{ producer_id: bigint; epoch: number; fenced: boolean }>(
    `WITH prev AS (
       SELECT producer_id, epoch FROM producer_ids WHERE cluster_id = $1 AND transactional_id = $2 FOR UPDATE
     ), bumped AS (
       UPDATE producer_ids p SET epoch = CASE WHEN p.epoch >= $5 THEN p.epoch ELSE p.epoch + 1 END, updated_at = now()
         FROM prev WHERE p.producer_id = prev.producer_id AND ($3::bigint < 0 OR ($3 = prev.producer_id AND $4 = prev.epoch))
         RETURNING p.producer_id, p.epoch
     ), created AS (
       INSERT INTO producer_ids (cluster_id, transactional_id) SELECT $1, $2 WHERE NOT EXISTS (SELECT 1 FROM prev)
         RETURNING producer_id, epoch
     )
     SELECT producer_id, epoch, false AS fenced FROM bumped
     UNION ALL SELECT producer_id, epoch, false FROM created
     UNION ALL SELECT producer_id, epoch, true FROM prev WHERE NOT EXISTS (SELECT 1 FROM bumped)`,
    [clusterId, transactionalId, req.producerId.toString(), req.producerEpoch, maxEpoch],
  );
  const row = rows[0]!;
  if (row.fenced) return { ok: false, errorCode: "PRODUCER_FENCED" };
  if (row.epoch >= maxEpoch) {
    // Epochs exhausted: the transactional id moves to a new producer id.
    await db.query("DELETE FROM producer_ids WHERE producer_id = $1", [row.producer_id.toString()]);
    const { rows: fresh } = await db.query<{ producer_id: bigint }>(
      "INSERT INTO producer_ids (cluster_id, transactional_id) VALUES ($1, $2) RETURNING producer_id",
      [clusterId, transactionalId],
    );
    return { ok: true, producerId: BigInt(fresh[0]!.producer_id), producerEpoch: 0 };
  }
  return { ok: true, producerId: BigInt(row.producer_id), producerEpoch: row.epoch };
}

interface StoredRecentBatch {
  firstSeq: number;
  lastSeq: number;
  baseOffset: string;
}

/**
 * The states of every (producer, partition) of the entries, in one query; read in the commit
 * transaction after the partitions are locked, so no other agent changes them meanwhile.
 */
export async function loadProducerStates(
  db: Queryable,
  entries: readonly FlushEntry[],
): Promise<ProducerStates> {
  const keyed = entries.filter((e) => e.producer && e.producer.producerId >= 0n);
  const states = new Map<string, ProducerPartitionState>();
  const knownProducers = new Set<bigint>();
  if (keyed.length === 0) return { states, knownProducers };
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
    states.set(producerStateKey(BigInt(r.producer_id), r.topic_id, r.partition), {
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
  return { states, knownProducers };
}

/**
 * The statement that stores producer states: `:clusterId`, and the parameters
 * producerStateArrays() names.
 */
export function producerStatesUpsert(): string {
  return `INSERT INTO producer_partition_states
       (cluster_id, producer_id, topic_id, partition, producer_epoch, last_sequence, last_offset, recent, updated_at)
     SELECT :clusterId, *, now()
     FROM unnest(:stateProducerIds::bigint[], :stateTopicIds::uuid[], :statePartitions::int[], :stateEpochs::int[],
       :stateSequences::int[], :stateLastOffsets::bigint[], :stateRecents::jsonb[])
     ON CONFLICT (producer_id, topic_id, partition) DO UPDATE SET
       producer_epoch = EXCLUDED.producer_epoch, last_sequence = EXCLUDED.last_sequence,
       last_offset = EXCLUDED.last_offset, recent = EXCLUDED.recent, updated_at = EXCLUDED.updated_at`;
}

/** The changed states as the parameters of producerStatesUpsert. */
export function producerStateArrays(changes: readonly ProducerStateChange[]) {
  return {
    stateProducerIds: changes.map((c) => c.producerId.toString()),
    stateTopicIds: changes.map((c) => c.topicId),
    statePartitions: changes.map((c) => c.partition),
    stateEpochs: changes.map((c) => c.state.producerEpoch),
    stateSequences: changes.map((c) => c.state.lastSequence),
    stateLastOffsets: changes.map((c) => c.state.lastOffset.toString()),
    stateRecents: changes.map((c) =>
      JSON.stringify(
        c.state.recent.map((b) => ({
          firstSeq: b.firstSeq,
          lastSeq: b.lastSeq,
          baseOffset: b.baseOffset.toString(),
        })),
      ),
    ),
  };
}

/** Writes changed states on their own (a flush commit writes them within its statement). */
export async function saveProducerStates(
  db: Queryable,
  clusterId: string,
  changes: readonly ProducerStateChange[],
): Promise<void> {
  if (changes.length === 0) return;
  const { text, values } = named(producerStatesUpsert(), {
    clusterId,
    ...producerStateArrays(changes),
  });
  await db.query(text, values);
}
