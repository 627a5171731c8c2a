import type { CommittedOffset } from "./group-store.ts";
import type { PartitionRef } from "./metadata-store.ts";

/** Kafka's transaction states (as DescribeTransactions and ListTransactions name them). */
export type TransactionStateName =
  "Empty" | "Ongoing" | "PrepareCommit" | "PrepareAbort" | "CompleteCommit" | "CompleteAbort";

export const transactionStateNames: readonly TransactionStateName[] = [
  "Empty",
  "Ongoing",
  "PrepareCommit",
  "PrepareAbort",
  "CompleteCommit",
  "CompleteAbort",
];

/** The errors a transaction request can meet in the store (Kafka's codes). */
export type TransactionErrorCode =
  | "INVALID_PRODUCER_ID_MAPPING"
  | "PRODUCER_FENCED"
  | "CONCURRENT_TRANSACTIONS"
  | "INVALID_TXN_STATE"
  | "TRANSACTIONAL_ID_NOT_FOUND";

/** Who asks: the transactional id and the producer id and epoch the client holds. */
export interface TransactionCaller {
  transactionalId: string;
  producerId: bigint;
  producerEpoch: number;
}

export interface TransactionPartitionRef extends PartitionRef {
  topicName: string;
}

/**
 * A transaction being completed: its markers go to `partitions` with this producer id and epoch.
 */
export interface CompletingTransaction {
  clusterId: string;
  transactionalId: string;
  producerId: bigint;
  producerEpoch: number;
  commit: boolean;
  partitions: TransactionPartitionRef[];
}

/** Where a transaction's marker landed in each of its partitions. */
export interface WrittenMarker extends PartitionRef {
  offset: bigint;
}

export interface TransactionDescription {
  transactionalId: string;
  state: TransactionStateName;
  timeoutMs: number;
  /** -1 when no transaction is open. */
  startTimeMs: bigint;
  producerId: bigint;
  producerEpoch: number;
  partitions: TransactionPartitionRef[];
}

/** A partition's open transactions and aborted ones, for a read_committed fetch. */
export interface StablePartition extends PartitionRef {
  /** The least first offset of the transactions open in it, or null (then LSO = high watermark). */
  firstOpenOffset: bigint | null;
  /** Aborted transactions whose markers are at or after the fetch offset, by first offset. */
  aborted: { producerId: bigint; firstOffset: bigint }[];
}

export type Outcome<T = void> =
  { ok: true; value: T } | { ok: false; errorCode: TransactionErrorCode };

/**
 * Transaction state of transactional ids (Kafka's transaction log), kept in the metadata store so
 * that any agent coordinates any transactional id and no coordinator is lost with an agent.
 */
export interface TransactionStore {
  /**
   * Begins InitProducerId for a transactional id: a transaction still open is fenced (epoch + 1)
   * and moved to PrepareAbort, one being completed is returned to finish first; otherwise null.
   */
  fenceOpenTransaction(
    clusterId: string,
    transactionalId: string,
  ): Promise<CompletingTransaction | null>;
  /** Records the timeout of the transactional id's next transactions (after InitProducerId). */
  setTimeout(clusterId: string, transactionalId: string, timeoutMs: number): Promise<void>;
  /** Adds partitions (starting the transaction when none is open). */
  addPartitions(
    clusterId: string,
    caller: TransactionCaller,
    partitions: readonly PartitionRef[],
  ): Promise<Outcome>;
  /** Stores offsets the transaction commits for `groupId` (visible only when it commits). */
  addOffsets(
    clusterId: string,
    caller: TransactionCaller,
    groupId: string,
    offsets: readonly CommittedOffset[],
  ): Promise<Outcome>;
  /** EndTxn: moves the transaction to PrepareCommit/PrepareAbort; null when already complete. */
  prepareEnd(
    clusterId: string,
    caller: TransactionCaller,
    commit: boolean,
  ): Promise<Outcome<CompletingTransaction | null>>;
  /**
   * After the markers are written: applies or drops the transaction's offsets, records the aborted
   * ranges, releases its partitions (the LSO moves on) and marks it complete. A no-op when another
   * agent completed it first.
   */
  complete(txn: CompletingTransaction, markers: readonly WrittenMarker[]): Promise<void>;
  /**
   * Transactions to finish now: open ones past their timeout (fenced and moved to PrepareAbort
   * here) and ones left in Prepare* longer than `stuckMs` (their agent died mid-completion).
   */
  claimExpired(clusterId: string | null, stuckMs: number): Promise<CompletingTransaction[]>;
  /** Partitions of the group with offsets a transaction still holds (not yet committed or aborted). */
  pendingOffsets(
    clusterId: string,
    groupId: string,
  ): Promise<{ topic: string; partition: number }[]>;
  /**
   * Forgets aborted ranges no fetch can reach any more (their marker is below the partition's log
   * start, or the partition is gone); returns how many.
   */
  pruneAbortedTransactions(clusterId: string | null): Promise<number>;
  describe(
    clusterId: string,
    transactionalIds: readonly string[],
  ): Promise<TransactionDescription[]>;
  list(
    clusterId: string,
    filter: { states: readonly string[]; producerIds: readonly bigint[]; minDurationMs: bigint },
  ): Promise<TransactionDescription[]>;
  /** Open transactions and aborted ranges of the partitions, from each partition's fetch offset. */
  stablePartitions(
    clusterId: string,
    partitions: readonly (PartitionRef & { fetchOffset: bigint })[],
  ): Promise<StablePartition[]>;
  /** First offsets of the transactions open in the partitions, per producer. */
  openTransactionStarts(
    clusterId: string,
    partitions: readonly PartitionRef[],
  ): Promise<(PartitionRef & { producerId: bigint; firstOffset: bigint })[]>;
}
