import type pg from "pg";
import type {
  CommitEntryResult,
  CommitResult,
  FlushedObject,
  FlushEntry,
  PartitionHead,
} from "../metadata-store.ts";
import { SequenceGate } from "../../producers/sequence-gate.ts";
import { encodeHeadChanges, HEADS_CHANNEL } from "./head-notifications.ts";
import { loadProducerStates, producerStateArrays, producerStatesUpsert } from "./producers.ts";
import { type HeadRow, type Int8, type Queryable, toHead } from "./rows.ts";
import { inTransaction } from "./transaction.ts";

interface NewIndexRow {
  topicId: string;
  partition: number;
  objectKey: string;
  baseOffset: bigint;
  lastOffset: bigint;
  byteOffset: number;
  byteLength: number;
  maxTimestamp: bigint;
  recordCount: number;
}

/**
 * Every agent's commits queue on the same partition locks: one that stalls mid-transaction
 * (paused process, network partition) is cut off rather than blocking everyone, and a commit
 * waiting too long fails (retriable for its producers) instead of piling up.
 */
const COMMIT_LIMITS = { lockTimeoutMs: 15_000, idleTimeoutMs: 10_000 };

/** Heads per NOTIFY payload built in SQL: at most ~100 bytes each, under the 8000-byte limit. */
const NOTIFY_HEADS_PER_PAYLOAD = 70;

/**
 * Assigns offsets to flushed objects in ONE transaction:
 *   1. lock the objects' partitions in (topic_id, partition) order, the same order on every
 *      agent, so concurrent flushes queue behind each other instead of deadlocking;
 *   2. give each entry the partition's next offsets (objects in the order given, entries of a
 *      partition in object order), after the idempotent-producer check;
 *   3. record the objects, advance next_offset, insert the index rows and queue NOTIFYs so
 *      fetchers on every agent wake when it commits (all in one statement, see writeCommit).
 * Without idempotent producers there is no check to make in between, and the whole transaction
 * is one statement (commitInOneStatement). On failure the objects are recorded as orphaned for
 * later deletion and the error rethrown.
 */
export async function commitFlushes(
  pool: pg.Pool,
  clusterId: string,
  objects: readonly FlushedObject[],
): Promise<CommitResult[]> {
  try {
    if (!objects.some((o) => o.entries.some(isIdempotent)))
      return await commitInOneStatement(pool, clusterId, objects);
    return await inTransaction(pool, (tx) => assignOffsets(tx, clusterId, objects), COMMIT_LIMITS);
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

async function assignOffsets(
  tx: pg.PoolClient,
  clusterId: string,
  objects: readonly FlushedObject[],
): Promise<CommitResult[]> {
  const allEntries: FlushEntry[] = objects.flatMap((o) => o.entries);
  const heads = await lockPartitions(tx, clusterId, allEntries);
  // Idempotent producers: each entry's sequence is checked against the locked partitions'
  // producer states; duplicates get their original offsets and take no new ones.
  const gate = new SequenceGate(
    await loadProducerStates(
      tx,
      allEntries.filter((e) => heads.has(`${e.topicId}:${e.partition}`)),
    ),
  );
  const indexRows: NewIndexRow[] = [];
  const referenced = new Set<string>();
  const results = objects.map((object) =>
    object.entries.map((entry): CommitEntryResult => {
      const head = heads.get(`${entry.topicId}:${entry.partition}`);
      if (!head) return { ok: false, errorCode: "UNKNOWN_TOPIC_OR_PARTITION" };
      const baseOffset = head.highWatermark;
      const verdict = gate.admit(entry, baseOffset);
      if (verdict.kind === "duplicate")
        return { ok: true, baseOffset: verdict.baseOffset, duplicate: true };
      if (verdict.kind === "reject") return { ok: false, errorCode: verdict.errorCode };
      head.highWatermark += BigInt(entry.recordCount);
      appendIndexRow(indexRows, object.objectKey, entry, baseOffset);
      referenced.add(object.objectKey);
      return { ok: true, baseOffset };
    }),
  );
  // Heads advance (and are announced) only when some entry took offsets.
  const advanced: PartitionHead[] = [...heads.values()];
  const committedAtMs = await writeCommit(
    tx,
    clusterId,
    objects,
    referenced,
    indexRows.length > 0 ? advanced : [],
    indexRows,
    gate,
  );
  return results.map((entries) => ({ entries, heads: advanced, committedAtMs }));
}

function isIdempotent(entry: FlushEntry): boolean {
  return entry.producer !== undefined && entry.producer.producerId >= 0n;
}

/**
 * The same commit for flushes without idempotent producers (whose sequence checks need the
 * locked heads in JS first) as ONE statement, so one round trip: Postgres locks the partitions
 * in (topic_id, partition) order, takes each entry's offsets from the locked next_offset plus the
 * entry's place among the flushes' entries of its partition, advances next_offset, inserts the
 * index rows and objects and queues the NOTIFYs. A commit is serial per cluster, and under load
 * every round trip waits on a busy event loop on both sides: four of them made up most of a
 * commit's time. A partition that does not exist (deleted meanwhile) takes nothing.
 */
async function commitInOneStatement(
  pool: pg.Pool,
  clusterId: string,
  objects: readonly FlushedObject[],
): Promise<CommitResult[]> {
  // Each entry's offset relative to its partition's next_offset, objects in the order given.
  const taken = new Map<string, bigint>();
  const relative = objects.map((object) =>
    object.entries.map((entry) => {
      const key = `${entry.topicId}:${entry.partition}`;
      const before = taken.get(key) ?? 0n;
      taken.set(key, before + BigInt(entry.recordCount));
      return before;
    }),
  );
  const indexRows: NewIndexRow[] = [];
  objects.forEach((object, o) =>
    object.entries.forEach((entry, e) =>
      appendIndexRow(indexRows, object.objectKey, entry, relative[o]![e]!),
    ),
  );
  // Postgres sorts them for locking.
  const partitions = [...taken].map(([key, total]) => {
    const [topicId, partition] = key.split(":") as [string, string];
    return { topicId, partition: Number(partition), total };
  });
  const objectKeys = objects.map((o) => o.objectKey);
  const { rows } = await pool.query<{
    committed_at_ms: Int8;
    heads: [string, number, string, string, number][] | null;
  }>(
    `WITH locked AS (
       SELECT p.topic_id, p.partition, p.next_offset
       FROM partitions p JOIN unnest($4::uuid[], $5::int[]) AS u(topic_id, partition)
         ON p.topic_id = u.topic_id AND p.partition = u.partition
       -- COMMIT_LIMITS' lock timeout for this statement only (its own transaction), set before any lock is taken.
       WHERE p.cluster_id = $1 AND (SELECT set_config('lock_timeout', '${COMMIT_LIMITS.lockTimeoutMs}', true)) IS NOT NULL
       ORDER BY p.topic_id, p.partition
       FOR UPDATE OF p
     ), advanced AS (
       UPDATE partitions p SET next_offset = l.next_offset + u.total
       FROM locked l JOIN unnest($4::uuid[], $5::int[], $6::int8[]) AS u(topic_id, partition, total)
         ON l.topic_id = u.topic_id AND l.partition = u.partition
       WHERE p.topic_id = l.topic_id AND p.partition = l.partition
       RETURNING p.topic_id, p.partition, p.next_offset, p.log_start_offset, p.leader_epoch
     ), entries AS (
       SELECT u.*, l.next_offset AS head
       FROM unnest($7::uuid[], $8::int[], $9::int8[], $10::int8[], $11::int[], $12::int8[], $13::int[], $14::int8[], $15::int[])
         AS u(topic_id, partition, base_offset, last_offset, object, byte_offset, byte_length, max_timestamp, record_count)
       JOIN locked l ON l.topic_id = u.topic_id AND l.partition = u.partition
     ), indexed AS (
       INSERT INTO partition_index (topic_id, partition, base_offset, last_offset, cluster_id, object_key,
         byte_offset, byte_length, max_timestamp, record_count)
       SELECT e.topic_id, e.partition, e.head + e.base_offset, e.head + e.last_offset, $1, ($2::text[])[e.object], e.byte_offset,
         e.byte_length, e.max_timestamp, e.record_count
       FROM entries e
     ), inserted_objects AS (
       -- An object none of whose entries was taken is garbage from the start.
       INSERT INTO objects (key, cluster_id, size_bytes, level, state)
       SELECT u.key, $1, u.size_bytes, 0, CASE WHEN EXISTS (SELECT 1 FROM entries e WHERE e.object = u.ord) THEN 'committed' ELSE 'orphaned' END
       FROM unnest($2::text[], $3::int8[]) WITH ORDINALITY AS u(key, size_bytes, ord)
       RETURNING created_at
     ), notified AS (
       -- The payloads head-notifications.ts decodes, ${NOTIFY_HEADS_PER_PAYLOAD} heads each (NOTIFY payloads stay under 8000 bytes).
       SELECT pg_notify($16, json_build_object('c', $1::text, 'h', json_agg(json_build_array(a.topic_id, a.partition, a.next_offset::text, a.log_start_offset::text)))::text)
       FROM (SELECT a.*, row_number() OVER () - 1 AS n FROM advanced a) a
       GROUP BY a.n / ${NOTIFY_HEADS_PER_PAYLOAD}
     )
     -- notified is read so that it runs (a SELECT in WITH runs only when used).
     SELECT (SELECT (extract(epoch FROM created_at) * 1000)::int8 FROM inserted_objects LIMIT 1) AS committed_at_ms,
       (SELECT count(*) FROM notified) AS notifications,
       (SELECT json_agg(json_build_array(a.topic_id, a.partition, a.next_offset::text, a.log_start_offset::text, a.leader_epoch)) FROM advanced a) AS heads`,
    [
      clusterId,
      objectKeys,
      arrayLiteral(objects.map((o) => o.sizeBytes)),
      arrayLiteral(partitions.map((p) => p.topicId)),
      arrayLiteral(partitions.map((p) => p.partition)),
      arrayLiteral(partitions.map((p) => p.total)),
      ...indexRowArrays(indexRows, objectKeys),
      HEADS_CHANNEL,
    ],
  );
  const heads: PartitionHead[] = (rows[0]!.heads ?? []).map(
    ([topicId, partition, next, logStart, leaderEpoch]) => ({
      topicId,
      partition,
      highWatermark: BigInt(next),
      logStartOffset: BigInt(logStart),
      leaderEpoch,
    }),
  );
  const headOf = new Map(heads.map((h) => [`${h.topicId}:${h.partition}`, h]));
  const committedAtMs = BigInt(rows[0]!.committed_at_ms);
  return objects.map((object, o) => ({
    entries: object.entries.map((entry, e): CommitEntryResult => {
      const key = `${entry.topicId}:${entry.partition}`;
      const head = headOf.get(key);
      if (!head) return { ok: false, errorCode: "UNKNOWN_TOPIC_OR_PARTITION" };
      return { ok: true, baseOffset: head.highWatermark - taken.get(key)! + relative[o]![e]! };
    }),
    heads,
    committedAtMs,
  }));
}

/** Locks the entries' partitions in (topic_id, partition) order; their heads by "topicId:partition". */
async function lockPartitions(
  tx: Queryable,
  clusterId: string,
  entries: readonly FlushEntry[],
): Promise<Map<string, PartitionHead>> {
  const partitions = new Map<string, { topicId: string; partition: number }>();
  for (const e of entries)
    partitions.set(`${e.topicId}:${e.partition}`, { topicId: e.topicId, partition: e.partition });
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
  return new Map(rows.map((row) => [`${row.topic_id}:${row.partition}`, toHead(row)]));
}

/**
 * Records the objects, advances next_offset, inserts the index rows, stores the idempotent
 * producers' states and queues the NOTIFYs in ONE statement (data-modifying CTEs): a commit is
 * then BEGIN, lock, load producer states, this, COMMIT, whatever its size.
 * Each round trip to Postgres costs a wakeup on both sides, and commits of a cluster are serial.
 * Index rows have no foreign keys to check (see the migration that dropped them). Returns the
 * commit time in ms.
 */
async function writeCommit(
  tx: Queryable,
  clusterId: string,
  objects: readonly FlushedObject[],
  referenced: ReadonlySet<string>,
  advanced: readonly PartitionHead[],
  indexRows: readonly NewIndexRow[],
  gate: SequenceGate,
): Promise<bigint> {
  const objectKeys = objects.map((o) => o.objectKey);
  const { rows } = await tx.query<{ committed_at_ms: Int8 }>(
    `WITH inserted_objects AS (
       INSERT INTO objects (key, cluster_id, size_bytes, level, state)
       SELECT u.key, $1, u.size_bytes, 0, u.state FROM unnest($2::text[], $3::int8[], $4::text[]) AS u(key, size_bytes, state)
       RETURNING created_at
     ), advanced AS (
       UPDATE partitions p SET next_offset = u.next_offset
       FROM unnest($5::uuid[], $6::int[], $7::int8[]) AS u(topic_id, partition, next_offset)
       WHERE p.topic_id = u.topic_id AND p.partition = u.partition
     ), indexed AS (
       INSERT INTO partition_index (topic_id, partition, base_offset, last_offset, cluster_id, object_key,
         byte_offset, byte_length, max_timestamp, record_count)
       SELECT u.topic_id, u.partition, u.base_offset, u.last_offset, $1, ($2::text[])[u.object], u.byte_offset, u.byte_length,
         u.max_timestamp, u.record_count
       FROM unnest($8::uuid[], $9::int[], $10::int8[], $11::int8[], $12::int[], $13::int8[], $14::int[], $15::int8[], $16::int[])
         AS u(topic_id, partition, base_offset, last_offset, object, byte_offset, byte_length, max_timestamp, record_count)
     ), notified AS (
       SELECT pg_notify($17, payload) FROM unnest($18::text[]) AS payload
     ), producer_states AS (
       ${producerStatesUpsert(1, 19)}
     )
     SELECT (SELECT (extract(epoch FROM created_at) * 1000)::int8 FROM inserted_objects LIMIT 1) AS committed_at_ms,
       (SELECT count(*) FROM notified) AS notifications`,
    [
      clusterId,
      objectKeys,
      arrayLiteral(objects.map((o) => o.sizeBytes)),
      // An object none of whose entries was taken is garbage from the start.
      objects.map((o) => (referenced.has(o.objectKey) ? "committed" : "orphaned")),
      arrayLiteral(advanced.map((h) => h.topicId)),
      arrayLiteral(advanced.map((h) => h.partition)),
      arrayLiteral(advanced.map((h) => h.highWatermark)),
      ...indexRowArrays(indexRows, objectKeys),
      HEADS_CHANNEL,
      encodeHeadChanges(clusterId, advanced),
      ...producerStateArrays(gate.changedStates()),
    ],
  );
  return BigInt(rows[0]!.committed_at_ms);
}

/**
 * The index rows as the parallel arrays both commit statements unnest: topic_id, partition,
 * base_offset, last_offset, object (1-based position in objectKeys), byte_offset, byte_length,
 * max_timestamp, record_count.
 */
function indexRowArrays(rows: readonly NewIndexRow[], objectKeys: readonly string[]): string[] {
  const ordinal = new Map(objectKeys.map((key, i) => [key, i + 1]));
  const column = (value: (row: NewIndexRow) => number | bigint | string) =>
    arrayLiteral(rows.map(value));
  return [
    column((r) => r.topicId),
    column((r) => r.partition),
    column((r) => r.baseOffset),
    column((r) => r.lastOffset),
    column((r) => ordinal.get(r.objectKey)!),
    column((r) => r.byteOffset),
    column((r) => r.byteLength),
    column((r) => r.maxTimestamp),
    column((r) => r.recordCount),
  ];
}

/**
 * A Postgres array literal of values that never need quoting (integers, UUIDs): much cheaper
 * than letting pg quote and escape every element of a large array.
 */
function arrayLiteral(values: readonly (number | bigint | string)[]): string {
  return `{${values.join(",")}}`;
}

/** Adds the entry's index row, merged into the previous one when it directly continues it. */
function appendIndexRow(
  rows: NewIndexRow[],
  objectKey: string,
  entry: FlushEntry,
  baseOffset: bigint,
): void {
  const lastOffset = baseOffset + BigInt(entry.recordCount) - 1n;
  const previous = rows.at(-1);
  if (
    previous &&
    previous.objectKey === objectKey &&
    previous.topicId === entry.topicId &&
    previous.partition === entry.partition &&
    previous.byteOffset + previous.byteLength === entry.byteOffset &&
    previous.lastOffset + 1n === baseOffset
  ) {
    previous.lastOffset = lastOffset;
    previous.byteLength += entry.byteLength;
    previous.recordCount += entry.recordCount;
    if (entry.maxTimestamp > previous.maxTimestamp) previous.maxTimestamp = entry.maxTimestamp;
    return;
  }
  rows.push({
    topicId: entry.topicId,
    partition: entry.partition,
    objectKey,
    baseOffset,
    lastOffset,
    byteOffset: entry.byteOffset,
    byteLength: entry.byteLength,
    maxTimestamp: entry.maxTimestamp,
    recordCount: entry.recordCount,
  });
}
