import type { FlushEntry, PartitionRef } from "../metadata-store.ts";
import type { TransactionStateName, WrittenMarker } from "../transaction-store.ts";
import type { TransactionMembership } from "../../transactions/transaction-gate.ts";
import type { CommittedMarker } from "../../transactions/transaction-effects.ts";
import { type Queryable, refArrays } from "./rows.ts";

// The transaction statements a flush commit runs inside its own metadata transaction.

/**
 * Completes the transaction if it is still being completed with this epoch and decision (a
 * no-op otherwise: another agent finished it): applies its offsets (commit) or records its aborted
 * ranges (abort), releases its partitions, which moves their last stable offsets, and marks it
 * complete.
 */
export async function completeTransaction(
  tx: Queryable,
  txn: { producerId: bigint; producerEpoch: number; commit: boolean },
  markers: readonly WrittenMarker[],
): Promise<void> {
  const producerId = txn.producerId.toString();
  const { rowCount } = await tx.query(
    `SELECT 1 FROM producer_ids WHERE producer_id = $1 AND epoch = $2 AND txn_state = $3 FOR UPDATE`,
    [producerId, txn.producerEpoch, txn.commit ? "PrepareCommit" : "PrepareAbort"],
  );
  if (!rowCount) return;
  if (txn.commit) {
    await tx.query(
      `INSERT INTO committed_offsets (cluster_id, group_id, topic, partition, committed_offset, leader_epoch, metadata, committed_at)
       SELECT cluster_id, group_id, topic, partition, committed_offset, leader_epoch, metadata, now()
         FROM transaction_offsets WHERE producer_id = $1
       ON CONFLICT (cluster_id, group_id, topic, partition) DO UPDATE SET
         committed_offset = EXCLUDED.committed_offset, leader_epoch = EXCLUDED.leader_epoch,
         metadata = EXCLUDED.metadata, committed_at = EXCLUDED.committed_at, expires_at = NULL`,
      [producerId],
    );
  } else {
    await tx.query(
      `INSERT INTO aborted_transactions (cluster_id, topic_id, partition, producer_id, first_offset, last_offset)
       SELECT t.cluster_id, t.topic_id, t.partition, t.producer_id, t.first_offset, m.marker
         FROM transaction_partitions t
         JOIN unnest($2::uuid[], $3::int[], $4::bigint[]) AS m(topic_id, partition, marker)
           ON m.topic_id = t.topic_id AND m.partition = t.partition
        WHERE t.producer_id = $1 AND t.first_offset IS NOT NULL
       ON CONFLICT DO NOTHING`,
      [producerId, ...refArrays(markers), markers.map((m) => m.offset.toString())],
    );
  }
  await tx.query("DELETE FROM transaction_partitions WHERE producer_id = $1", [producerId]);
  await tx.query("DELETE FROM transaction_offsets WHERE producer_id = $1", [producerId]);
  await tx.query(
    `UPDATE producer_ids SET txn_state = $2, txn_started_at = NULL, updated_at = now() WHERE producer_id = $1`,
    [producerId, txn.commit ? "CompleteCommit" : "CompleteAbort"],
  );
}

/**
 * Completes the transactions whose markers a flush commit wrote, inside that commit: their
 * partitions' last stable offsets move exactly when the markers become visible.
 */
export async function completeTransactions(
  tx: Queryable,
  markers: readonly CommittedMarker[],
): Promise<void> {
  const byTransaction = new Map<string, CommittedMarker[]>();
  for (const m of markers) {
    const key = `${m.producerId}:${m.producerEpoch}:${m.commit}`;
    byTransaction.set(key, [...(byTransaction.get(key) ?? []), m]);
  }
  for (const written of byTransaction.values()) await completeTransaction(tx, written[0]!, written);
}

/**
 * Membership of the transactional entries' producers in their transactions, read in the flush
 * commit after the partitions are locked.
 */
export async function loadTransactionMemberships(
  db: Queryable,
  entries: readonly FlushEntry[],
): Promise<TransactionMembership[]> {
  const data = entries.filter((e) => e.producer?.transactional && !e.producer.control);
  if (data.length === 0) return [];
  const { rows } = await db.query<{
    producer_id: string;
    topic_id: string;
    partition: number;
    epoch: number;
    txn_state: TransactionStateName;
    added: boolean;
  }>(
    `SELECT DISTINCT k.producer_id::text, k.topic_id::text, k.partition, p.epoch, p.txn_state,
            (t.producer_id IS NOT NULL) AS added
       FROM unnest($1::bigint[], $2::uuid[], $3::int[]) AS k(producer_id, topic_id, partition)
       JOIN producer_ids p ON p.producer_id = k.producer_id
       LEFT JOIN transaction_partitions t
         ON t.producer_id = k.producer_id AND t.topic_id = k.topic_id AND t.partition = k.partition`,
    [
      data.map((e) => e.producer!.producerId.toString()),
      data.map((e) => e.topicId),
      data.map((e) => e.partition),
    ],
  );
  return rows.map((r) => ({
    producerId: BigInt(r.producer_id),
    topicId: r.topic_id,
    partition: r.partition,
    epoch: r.epoch,
    ongoing: r.txn_state === "Ongoing",
    added: r.added,
  }));
}

/** Records where each transaction's first batch in a partition landed (the partition's LSO). */
export async function markTransactionStarts(
  db: Queryable,
  starts: readonly (PartitionRef & { producerId: bigint; offset: bigint })[],
): Promise<void> {
  if (starts.length === 0) return;
  await db.query(
    `UPDATE transaction_partitions t SET first_offset = u.first_offset
       FROM unnest($1::bigint[], $2::uuid[], $3::int[], $4::bigint[]) AS u(producer_id, topic_id, partition, first_offset)
      WHERE t.producer_id = u.producer_id AND t.topic_id = u.topic_id AND t.partition = u.partition
        AND t.first_offset IS NULL`,
    [
      starts.map((s) => s.producerId.toString()),
      ...refArrays(starts),
      starts.map((s) => s.offset.toString()),
    ],
  );
}
