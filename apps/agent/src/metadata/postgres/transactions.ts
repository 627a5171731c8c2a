import type pg from "pg";
import type { CommittedOffset } from "../group-store.ts";
import type { PartitionRef } from "../metadata-store.ts";
import type {
  CompletingTransaction,
  Outcome,
  StablePartition,
  TransactionCaller,
  TransactionDescription,
  TransactionErrorCode,
  TransactionPartitionRef,
  TransactionStateName,
  TransactionStore,
  WrittenMarker,
} from "../transaction-store.ts";
import { type Queryable, refArrays } from "./rows.ts";
import { inTransaction } from "./transaction.ts";
import { completeTransaction } from "./transaction-commit.ts";

/** Transactional ids are opaque (NUL included): kept as their UTF-8 bytes, as producer_ids does. */
const idBytes = (transactionalId: string) => Buffer.from(transactionalId, "utf8");

interface TxnRow {
  producer_id: string;
  cluster_id: string;
  transactional_id: Buffer;
  epoch: number;
  txn_state: TransactionStateName;
  txn_timeout_ms: number;
  started_ms: string | null;
}

const txnColumns = `producer_id::text, cluster_id, transactional_id, epoch, txn_state, txn_timeout_ms,
  (extract(epoch FROM txn_started_at) * 1000)::bigint::text AS started_ms`;

const isPreparing = (state: TransactionStateName) =>
  state === "PrepareCommit" || state === "PrepareAbort";

/** Transaction state on producer_ids, partitions and offsets in their tables (see schema.prisma). */
export class PostgresTransactionStore implements TransactionStore {
  constructor(private readonly pool: pg.Pool) {}

  async fenceOpenTransaction(
    clusterId: string,
    transactionalId: string,
  ): Promise<CompletingTransaction | null> {
    const { rows } = await this.pool.query<TxnRow>(
      `WITH cur AS (
         SELECT producer_id, txn_state FROM producer_ids
          WHERE cluster_id = $1 AND transactional_id = $2 FOR UPDATE
       ), fenced AS (
         UPDATE producer_ids p SET epoch = p.epoch + 1, txn_state = 'PrepareAbort', updated_at = now()
           FROM cur WHERE p.producer_id = cur.producer_id AND cur.txn_state = 'Ongoing'
         RETURNING p.producer_id
       )
       SELECT ${txnColumns} FROM producer_ids
        WHERE producer_id IN (SELECT producer_id FROM fenced UNION SELECT producer_id FROM cur)`,
      [clusterId, idBytes(transactionalId)],
    );
    const row = rows[0];
    if (!row || !isPreparing(row.txn_state)) return null;
    return this.completing(this.pool, row);
  }

  async setTimeout(clusterId: string, transactionalId: string, timeoutMs: number): Promise<void> {
    await this.pool.query(
      "UPDATE producer_ids SET txn_timeout_ms = $3 WHERE cluster_id = $1 AND transactional_id = $2",
      [clusterId, idBytes(transactionalId), timeoutMs],
    );
  }

  addPartitions(
    clusterId: string,
    caller: TransactionCaller,
    partitions: readonly PartitionRef[],
  ): Promise<Outcome> {
    return this.inOpenTransaction(clusterId, caller, "start", async (tx, producerId) => {
      if (partitions.length === 0) return;
      await tx.query(
        `INSERT INTO transaction_partitions (producer_id, cluster_id, topic_id, partition)
         SELECT $1, $2, u.topic_id, u.partition FROM unnest($3::uuid[], $4::int[]) AS u(topic_id, partition)
         ON CONFLICT DO NOTHING`,
        [producerId, clusterId, ...refArrays(partitions)],
      );
    });
  }

  addOffsets(
    clusterId: string,
    caller: TransactionCaller,
    groupId: string,
    offsets: readonly CommittedOffset[],
  ): Promise<Outcome> {
    // AddOffsetsToTxn (no offsets) starts the transaction; TxnOffsetCommit needs it open.
    const mode = offsets.length === 0 ? "start" : "ongoing";
    return this.inOpenTransaction(clusterId, caller, mode, async (tx, producerId) => {
      if (offsets.length === 0) return;
      await tx.query(
        `INSERT INTO transaction_offsets (producer_id, cluster_id, group_id, topic, partition, committed_offset, leader_epoch, metadata)
         SELECT $1, $2, $3, t, p, o, e, m FROM unnest($4::text[], $5::int[], $6::bigint[], $7::int[], $8::bytea[]) AS x(t, p, o, e, m)
         ON CONFLICT (producer_id, group_id, topic, partition) DO UPDATE SET
           committed_offset = EXCLUDED.committed_offset, leader_epoch = EXCLUDED.leader_epoch, metadata = EXCLUDED.metadata`,
        [
          producerId,
          clusterId,
          groupId,
          offsets.map((o) => o.topic),
          offsets.map((o) => o.partition),
          offsets.map((o) => o.offset.toString()),
          offsets.map((o) => o.leaderEpoch),
          offsets.map((o) => (o.metadata === null ? null : Buffer.from(o.metadata, "utf8"))),
        ],
      );
    });
  }

  prepareEnd(
    clusterId: string,
    caller: TransactionCaller,
    commit: boolean,
  ): Promise<Outcome<CompletingTransaction | null>> {
    return inTransaction(this.pool, async (tx) => {
      const row = await lockCaller(tx, clusterId, caller);
      if (typeof row === "string") return { ok: false, errorCode: row };
      const wanted: TransactionStateName = commit ? "PrepareCommit" : "PrepareAbort";
      const done: TransactionStateName = commit ? "CompleteCommit" : "CompleteAbort";
      // A retried EndTxn finds its own decision under way or done; anything else is a misuse.
      if (row.txn_state === done) return { ok: true, value: null };
      if (row.txn_state === "Ongoing") {
        await tx.query(
          "UPDATE producer_ids SET txn_state = $2, updated_at = now() WHERE producer_id = $1",
          [row.producer_id, wanted],
        );
        row.txn_state = wanted;
      }
      if (row.txn_state !== wanted) return { ok: false, errorCode: "INVALID_TXN_STATE" };
      return { ok: true, value: await this.completing(tx, row) };
    });
  }

  async complete(txn: CompletingTransaction, markers: readonly WrittenMarker[]): Promise<void> {
    await inTransaction(this.pool, (tx) => completeTransaction(tx, txn, markers));
  }

  async claimExpired(clusterId: string | null, stuckMs: number): Promise<CompletingTransaction[]> {
    const { rows } = await this.pool.query<TxnRow>(
      `WITH expired AS (
         SELECT producer_id FROM producer_ids
          WHERE ($1::text IS NULL OR cluster_id = $1) AND transactional_id IS NOT NULL AND (
            (txn_state = 'Ongoing' AND txn_started_at + txn_timeout_ms * interval '1 millisecond' < now())
            OR (txn_state IN ('PrepareCommit', 'PrepareAbort') AND updated_at < now() - $2::int * interval '1 millisecond'))
          FOR UPDATE SKIP LOCKED
       )
       UPDATE producer_ids p SET
         epoch = CASE WHEN p.txn_state = 'Ongoing' THEN p.epoch + 1 ELSE p.epoch END,
         txn_state = CASE WHEN p.txn_state = 'Ongoing' THEN 'PrepareAbort' ELSE p.txn_state END,
         updated_at = now()
       FROM expired e WHERE p.producer_id = e.producer_id
       RETURNING p.producer_id::text, p.cluster_id, p.transactional_id, p.epoch, p.txn_state, p.txn_timeout_ms, NULL AS started_ms`,
      [clusterId, stuckMs],
    );
    return Promise.all(rows.map((row) => this.completing(this.pool, row)));
  }

  async pendingOffsets(
    clusterId: string,
    groupId: string,
  ): Promise<{ topic: string; partition: number }[]> {
    const { rows } = await this.pool.query<{ topic: string; partition: number }>(
      "SELECT DISTINCT topic, partition FROM transaction_offsets WHERE cluster_id = $1 AND group_id = $2",
      [clusterId, groupId],
    );
    return rows;
  }

  async pruneAbortedTransactions(clusterId: string | null): Promise<number> {
    const { rowCount } = await this.pool.query(
      `DELETE FROM aborted_transactions a
        WHERE ($1::text IS NULL OR a.cluster_id = $1)
          AND NOT EXISTS (SELECT 1 FROM partitions p
                           WHERE p.topic_id = a.topic_id AND p.partition = a.partition
                             AND p.log_start_offset <= a.last_offset)`,
      [clusterId],
    );
    return rowCount ?? 0;
  }

  async describe(
    clusterId: string,
    transactionalIds: readonly string[],
  ): Promise<TransactionDescription[]> {
    if (transactionalIds.length === 0) return [];
    const { rows } = await this.pool.query<TxnRow>(
      `SELECT ${txnColumns} FROM producer_ids WHERE cluster_id = $1 AND transactional_id = ANY($2::bytea[])`,
      [clusterId, transactionalIds.map(idBytes)],
    );
    return Promise.all(rows.map((row) => this.description(row)));
  }

  async list(
    clusterId: string,
    filter: { states: readonly string[]; producerIds: readonly bigint[]; minDurationMs: bigint },
  ): Promise<TransactionDescription[]> {
    const { rows } = await this.pool.query<TxnRow>(
      `SELECT ${txnColumns} FROM producer_ids
        WHERE cluster_id = $1 AND transactional_id IS NOT NULL
          AND (cardinality($2::text[]) = 0 OR txn_state = ANY($2::text[]))
          AND (cardinality($3::bigint[]) = 0 OR producer_id = ANY($3::bigint[]))
          AND ($4::bigint < 0 OR (txn_started_at IS NOT NULL AND txn_started_at <= now() - $4::bigint * interval '1 millisecond'))
        ORDER BY transactional_id`,
      [
        clusterId,
        filter.states,
        filter.producerIds.map((p) => p.toString()),
        filter.minDurationMs.toString(),
      ],
    );
    return rows.map((row) => describeRow(row, []));
  }

  async stablePartitions(
    _clusterId: string,
    partitions: readonly (PartitionRef & { fetchOffset: bigint })[],
  ): Promise<StablePartition[]> {
    if (partitions.length === 0) return [];
    // One statement, so the open transactions and the aborted ranges are of the same moment: a
    // transaction's release and its aborted range are committed together (complete()).
    const { rows } = await this.pool.query<{
      topic_id: string;
      partition: number;
      first_open: string | null;
      aborted: [string, string][] | null;
    }>(
      `SELECT u.topic_id::text, u.partition,
         (SELECT min(t.first_offset)::text FROM transaction_partitions t
           WHERE t.topic_id = u.topic_id AND t.partition = u.partition) AS first_open,
         (SELECT json_agg(json_build_array(a.producer_id::text, a.first_offset::text) ORDER BY a.first_offset)
            FROM aborted_transactions a
           WHERE a.topic_id = u.topic_id AND a.partition = u.partition AND a.last_offset >= u.fetch_offset) AS aborted
       FROM unnest($1::uuid[], $2::int[], $3::bigint[]) AS u(topic_id, partition, fetch_offset)`,
      [...refArrays(partitions), partitions.map((p) => p.fetchOffset.toString())],
    );
    return rows.map((r) => ({
      topicId: r.topic_id,
      partition: r.partition,
      firstOpenOffset: r.first_open === null ? null : BigInt(r.first_open),
      aborted: (r.aborted ?? []).map(([producerId, firstOffset]) => ({
        producerId: BigInt(producerId),
        firstOffset: BigInt(firstOffset),
      })),
    }));
  }

  async openTransactionStarts(
    _clusterId: string,
    partitions: readonly PartitionRef[],
  ): Promise<(PartitionRef & { producerId: bigint; firstOffset: bigint })[]> {
    if (partitions.length === 0) return [];
    const { rows } = await this.pool.query<{
      topic_id: string;
      partition: number;
      producer_id: string;
      first_offset: string;
    }>(
      `SELECT t.topic_id::text, t.partition, t.producer_id::text, t.first_offset::text
         FROM transaction_partitions t JOIN unnest($1::uuid[], $2::int[]) AS u(topic_id, partition)
           ON t.topic_id = u.topic_id AND t.partition = u.partition
        WHERE t.first_offset IS NOT NULL`,
      refArrays(partitions),
    );
    return rows.map((r) => ({
      topicId: r.topic_id,
      partition: r.partition,
      producerId: BigInt(r.producer_id),
      firstOffset: BigInt(r.first_offset),
    }));
  }

  /**
   * Runs `work` with the caller's row locked, once the caller is checked: the transaction must be
   * open ("ongoing"), or is started unless it is being completed ("start").
   */
  private inOpenTransaction(
    clusterId: string,
    caller: TransactionCaller,
    mode: "start" | "ongoing",
    work: (tx: Queryable, producerId: string) => Promise<void>,
  ): Promise<Outcome> {
    return inTransaction(this.pool, async (tx): Promise<Outcome> => {
      const row = await lockCaller(tx, clusterId, caller);
      if (typeof row === "string") return { ok: false, errorCode: row };
      if (isPreparing(row.txn_state)) return { ok: false, errorCode: "CONCURRENT_TRANSACTIONS" };
      if (row.txn_state !== "Ongoing") {
        if (mode === "ongoing") return { ok: false, errorCode: "INVALID_TXN_STATE" };
        await tx.query(
          `UPDATE producer_ids SET txn_state = 'Ongoing', txn_started_at = now(), updated_at = now() WHERE producer_id = $1`,
          [row.producer_id],
        );
      }
      await work(tx, row.producer_id);
      return { ok: true, value: undefined };
    });
  }

  private async completing(db: Queryable, row: TxnRow): Promise<CompletingTransaction> {
    return {
      clusterId: row.cluster_id,
      transactionalId: row.transactional_id.toString("utf8"),
      producerId: BigInt(row.producer_id),
      producerEpoch: row.epoch,
      commit: row.txn_state === "PrepareCommit",
      partitions: await partitionsOf(db, row.producer_id),
    };
  }

  private async description(row: TxnRow): Promise<TransactionDescription> {
    return describeRow(row, await partitionsOf(this.pool, row.producer_id));
  }
}

function describeRow(row: TxnRow, partitions: TransactionPartitionRef[]): TransactionDescription {
  return {
    transactionalId: row.transactional_id.toString("utf8"),
    state: row.txn_state,
    timeoutMs: row.txn_timeout_ms,
    startTimeMs: row.started_ms === null ? -1n : BigInt(row.started_ms),
    producerId: BigInt(row.producer_id),
    producerEpoch: row.epoch,
    partitions,
  };
}

/** The caller's row, locked, or why the caller may not act on it. */
async function lockCaller(
  tx: Queryable,
  clusterId: string,
  caller: TransactionCaller,
): Promise<TxnRow | TransactionErrorCode> {
  const { rows } = await tx.query<TxnRow>(
    `SELECT ${txnColumns} FROM producer_ids WHERE cluster_id = $1 AND transactional_id = $2 FOR UPDATE`,
    [clusterId, idBytes(caller.transactionalId)],
  );
  const row = rows[0];
  if (!row || BigInt(row.producer_id) !== caller.producerId) return "INVALID_PRODUCER_ID_MAPPING";
  // An older epoch is a zombie (fenced by a newer InitProducerId or by a timeout's abort).
  if (row.epoch !== caller.producerEpoch) return "PRODUCER_FENCED";
  return row;
}

async function partitionsOf(db: Queryable, producerId: string): Promise<TransactionPartitionRef[]> {
  const { rows } = await db.query<{ topic_id: string; partition: number; name: string }>(
    `SELECT t.topic_id::text, t.partition, tp.name FROM transaction_partitions t
       JOIN topics tp ON tp.id = t.topic_id
      WHERE t.producer_id = $1 ORDER BY t.topic_id, t.partition`,
    [producerId],
  );
  return rows.map((r) => ({ topicId: r.topic_id, partition: r.partition, topicName: r.name }));
}
