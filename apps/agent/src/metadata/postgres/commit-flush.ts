import type pg from "pg";
import {
  answerCommit,
  type CommitPlan,
  type NewIndexRow,
  partitionKey,
  planCommit,
} from "../commit-plan.ts";
import type { CommitResult, FlushedObject, FlushEntry, PartitionHead } from "../metadata-store.ts";
import { SequenceGate } from "../../producers/sequence-gate.ts";
import { TransactionGate } from "../../transactions/transaction-gate.ts";
import { transactionEffects } from "../../transactions/transaction-effects.ts";
import { notifyHeadsQuery } from "./head-notifications.ts";
import { named } from "./named-params.ts";
import { loadProducerStates, producerStateArrays, producerStatesUpsert } from "./producers.ts";
import { type HeadRow, type Int8, type Queryable, toHead } from "./rows.ts";
import { inTransaction } from "./transaction.ts";
import {
  completeTransactions,
  loadTransactionMemberships,
  markTransactionStarts,
} from "./transaction-commit.ts";

/**
 * Every agent's commits queue on the same partition locks: one that stalls mid-transaction
 * (paused process, network partition) is cut off rather than blocking everyone, and a commit
 * waiting too long fails (retriable for its producers) instead of piling up.
 */
const COMMIT_LIMITS = { lockTimeoutMs: 15_000, idleTimeoutMs: 10_000 };

/**
 * Assigns offsets to flushed objects in ONE transaction: plans each entry's offsets relative to
 * its partition's next_offset (objects in the order given, entries of a partition in object
 * order), then writes everything in one statement (commitStatement). A commit is serial per
 * cluster, and under load every round trip waits on a busy event loop on both sides, so without
 * idempotent producers that statement is the whole transaction. Idempotent producers' sequences
 * must be checked against their states with the partitions already locked: then the statement
 * runs in a transaction after locking the partitions and loading the states. On failure the
 * objects are recorded as orphaned for later deletion and the error rethrown.
 */
export async function commitFlushes(
  pool: pg.Pool,
  clusterId: string,
  objects: readonly FlushedObject[],
): Promise<CommitResult[]> {
  try {
    if (!objects.some((o) => o.entries.some(isIdempotent)))
      return await writeCommit(pool, clusterId, objects, planCommit(objects));
    return await inTransaction(
      pool,
      async (tx) => {
        const entries = objects.flatMap((o) => o.entries);
        const heads = await lockPartitions(tx, clusterId, entries);
        const known = entries.filter((e) => heads.has(partitionKey(e)));
        const gate = new SequenceGate(await loadProducerStates(tx, known));
        const transactions = new TransactionGate(await loadTransactionMemberships(tx, known));
        const results = await writeCommit(
          tx,
          clusterId,
          objects,
          planCommit(objects, { heads, gate, transactions }),
        );
        const { starts, markers } = transactionEffects(objects, results);
        await markTransactionStarts(tx, starts);
        await completeTransactions(tx, markers);
        return results;
      },
      COMMIT_LIMITS,
    );
  } catch (error) {
    for (const o of objects)
      await recordOrphanedObject(pool, clusterId, o.objectKey, o.sizeBytes).catch(() => undefined);
    throw error;
  }
}

export async function recordOrphanedObject(
  db: Queryable,
  clusterId: string,
  objectKey: string,
  sizeBytes: number,
): Promise<void> {
  // A key that did get committed (e.g. the reply to COMMIT was lost) stays committed.
  await db.query(
    `INSERT INTO objects (key, cluster_id, size_bytes, level, state) VALUES ($1, $2, $3, 0, 'orphaned')
     ON CONFLICT (key) DO NOTHING`,
    [objectKey, clusterId, sizeBytes],
  );
}

function isIdempotent(entry: FlushEntry): boolean {
  return entry.producer !== undefined && entry.producer.producerId >= 0n;
}

/** Locks the entries' partitions in (topic_id, partition) order; their heads by partitionKey. */
async function lockPartitions(
  tx: Queryable,
  clusterId: string,
  entries: readonly FlushEntry[],
): Promise<Map<string, PartitionHead>> {
  const partitions = new Map(entries.map((e) => [partitionKey(e), e]));
  const { rows } = await tx.query<HeadRow>(
    `SELECT p.topic_id, p.partition, p.next_offset, p.log_start_offset, p.leader_epoch
     FROM partitions p JOIN unnest($2::uuid[], $3::int[]) AS u(topic_id, partition)
       ON p.topic_id = u.topic_id AND p.partition = u.partition
     WHERE p.cluster_id = $1
     ORDER BY p.topic_id, p.partition
     FOR UPDATE OF p`,
    [
      clusterId,
      arrayLiteral([...partitions.values()].map((p) => p.topicId)),
      arrayLiteral([...partitions.values()].map((p) => p.partition)),
    ],
  );
  return new Map(rows.map((row) => [partitionKey(toHead(row)), toHead(row)]));
}

/**
 * The commit as ONE statement (data-modifying CTEs): Postgres locks the partitions that take
 * offsets in (topic_id, partition) order, the same order on every agent so concurrent flushes
 * queue instead of deadlocking; advances next_offset; inserts the index rows at the locked
 * next_offset plus their planned offsets, the objects (one none of whose entries was taken is
 * garbage from the start) and the producer states; and queues the NOTIFYs that wake fetchers
 * on every agent. A partition that does not exist (deleted meanwhile) takes nothing. Index rows
 * have no foreign keys to check (see the migration that dropped them).
 */
const commitStatement = `WITH locked AS (
     SELECT p.topic_id, p.partition, p.next_offset
     FROM partitions p JOIN unnest(:partitionTopicIds::uuid[], :partitions::int[]) AS u(topic_id, partition)
       ON p.topic_id = u.topic_id AND p.partition = u.partition
     -- COMMIT_LIMITS' lock timeout for this statement's transaction, set before any lock is taken.
     WHERE p.cluster_id = :clusterId AND (SELECT set_config('lock_timeout', :lockTimeout, true)) IS NOT NULL
     ORDER BY p.topic_id, p.partition
     FOR UPDATE OF p
   ), advanced AS (
     UPDATE partitions p SET next_offset = l.next_offset + u.total
     FROM locked l JOIN unnest(:partitionTopicIds::uuid[], :partitions::int[], :totals::int8[]) AS u(topic_id, partition, total)
       ON l.topic_id = u.topic_id AND l.partition = u.partition
     WHERE p.topic_id = l.topic_id AND p.partition = l.partition
     RETURNING p.topic_id, p.partition, p.next_offset, p.log_start_offset, p.leader_epoch
   ), entries AS (
     SELECT u.*, l.next_offset AS head
     FROM unnest(:rowTopicIds::uuid[], :rowPartitions::int[], :baseOffsets::int8[], :lastOffsets::int8[], :objects::int[],
       :byteOffsets::int8[], :byteLengths::int[], :maxTimestamps::int8[], :recordCounts::int[])
       AS u(topic_id, partition, base_offset, last_offset, object, byte_offset, byte_length, max_timestamp, record_count)
     JOIN locked l ON l.topic_id = u.topic_id AND l.partition = u.partition
   ), indexed AS (
     INSERT INTO partition_index (topic_id, partition, base_offset, last_offset, cluster_id, object_key,
       byte_offset, byte_length, max_timestamp, record_count)
     SELECT e.topic_id, e.partition, e.head + e.base_offset, e.head + e.last_offset, :clusterId, (:objectKeys::text[])[e.object],
       e.byte_offset, e.byte_length, e.max_timestamp, e.record_count
     FROM entries e
   ), inserted_objects AS (
     INSERT INTO objects (key, cluster_id, size_bytes, level, state)
     SELECT u.key, :clusterId, u.size_bytes, 0, CASE WHEN EXISTS (SELECT 1 FROM entries e WHERE e.object = u.ord) THEN 'committed' ELSE 'orphaned' END
     FROM unnest(:objectKeys::text[], :objectSizes::int8[]) WITH ORDINALITY AS u(key, size_bytes, ord)
     RETURNING created_at
   ), producer_states AS (
     ${producerStatesUpsert()}
   ), notified AS (
     ${notifyHeadsQuery("advanced")}
   )
   -- notified is read so that it runs (a SELECT in WITH runs only when used).
   SELECT (SELECT (extract(epoch FROM created_at) * 1000)::int8 FROM inserted_objects LIMIT 1) AS committed_at_ms,
     (SELECT count(*) FROM notified) AS notifications,
     (SELECT json_agg(json_build_array(a.topic_id, a.partition, a.next_offset::text, a.log_start_offset::text, a.leader_epoch))
       FROM advanced a) AS heads`;

/** Runs the commit statement for the plan and answers each entry. */
async function writeCommit(
  db: Queryable,
  clusterId: string,
  objects: readonly FlushedObject[],
  plan: CommitPlan,
): Promise<CommitResult[]> {
  // Partitions that take no offsets (every entry a duplicate) are neither advanced nor announced.
  const partitions = [...plan.taken].map(([key, total]) => {
    const [topicId, partition] = key.split(":") as [string, string];
    return { topicId, partition: Number(partition), total };
  });
  const objectKeys = objects.map((o) => o.objectKey);
  const { text, values } = named(commitStatement, {
    clusterId,
    lockTimeout: String(COMMIT_LIMITS.lockTimeoutMs),
    objectKeys,
    objectSizes: arrayLiteral(objects.map((o) => o.sizeBytes)),
    partitionTopicIds: arrayLiteral(partitions.map((p) => p.topicId)),
    partitions: arrayLiteral(partitions.map((p) => p.partition)),
    totals: arrayLiteral(partitions.map((p) => p.total)),
    ...indexRowArrays(plan.indexRows, objectKeys),
    ...producerStateArrays(plan.producerStates),
  });
  const { rows } = await db.query<{
    committed_at_ms: Int8;
    heads: [string, number, string, string, number][] | null;
  }>(text, values);
  const heads: PartitionHead[] = (rows[0]!.heads ?? []).map(
    ([topicId, partition, next, logStart, leaderEpoch]) => ({
      topicId,
      partition,
      highWatermark: BigInt(next),
      logStartOffset: BigInt(logStart),
      leaderEpoch,
    }),
  );
  return answerCommit(objects, plan, heads, BigInt(rows[0]!.committed_at_ms));
}

/**
 * The index rows as the parallel arrays the commit statement unnests; `objects` holds each
 * row's 1-based position in objectKeys.
 */
function indexRowArrays(rows: readonly NewIndexRow[], objectKeys: readonly string[]) {
  const ordinal = new Map(objectKeys.map((key, i) => [key, i + 1]));
  const column = (value: (row: NewIndexRow) => number | bigint | string) =>
    arrayLiteral(rows.map(value));
  return {
    rowTopicIds: column((r) => r.topicId),
    rowPartitions: column((r) => r.partition),
    baseOffsets: column((r) => r.baseOffset),
    lastOffsets: column((r) => r.lastOffset),
    objects: column((r) => ordinal.get(r.objectKey)!),
    byteOffsets: column((r) => r.byteOffset),
    byteLengths: column((r) => r.byteLength),
    maxTimestamps: column((r) => r.maxTimestamp),
    recordCounts: column((r) => r.recordCount),
  };
}

/**
 * A Postgres array literal of values that never need quoting (integers, UUIDs): much cheaper
 * than letting pg quote and escape every element of a large array.
 */
function arrayLiteral(values: readonly (number | bigint | string)[]): string {
  return `{${values.join(",")}}`;
}
