import type { Logger } from "pino";
import type { CommittedOffset } from "../metadata/group-store.ts";
import type { PartitionRef } from "../metadata/metadata-store.ts";
import type { InitProducerIdResult, ProducerStore } from "../metadata/producer-store.ts";
import type {
  CompletingTransaction,
  TransactionCaller,
  TransactionErrorCode,
  TransactionStore,
  WrittenMarker,
} from "../metadata/transaction-store.ts";
import type { ProduceBuffer } from "../produce/produce-buffer.ts";
import { markerEntry } from "./transaction-marker.ts";

/** Kafka's transaction.max.timeout.ms default: longer transaction timeouts are refused. */
export const MAX_TRANSACTION_TIMEOUT_MS = 900_000;

export type TransactionResult = { ok: true } | { ok: false; errorCode: TransactionErrorCode };

export interface TransactionCoordinatorOptions {
  store: TransactionStore;
  producerIds: ProducerStore;
  produceBuffer: Pick<ProduceBuffer, "append">;
  logger: Pick<Logger, "warn" | "info">;
  now?: () => number;
}

/**
 * Kafka's transaction coordinator without a coordinator process: every decision is a row-locked
 * transition in the metadata store (TransactionStore), so any agent serves any transactional id
 * and a transaction whose agent dies is finished by another (its timeout, or a Prepare* left
 * behind). Completing a transaction = write its markers through the produce buffer (real control
 * batches in each partition, acknowledged only once written and committed), then release it.
 */
export class TransactionCoordinator {
  private readonly now: () => number;

  constructor(private readonly options: TransactionCoordinatorOptions) {
    this.now = options.now ?? Date.now;
  }

  /**
   * InitProducerId with a transactional id: a transaction left open by an older instance is
   * aborted (its epoch bumped first, which fences the zombie), then the epoch is bumped again for
   * the caller.
   */
  async initProducerId(
    clusterId: string,
    req: { transactionalId: string; timeoutMs: number; producerId: bigint; producerEpoch: number },
  ): Promise<InitProducerIdResult | { ok: false; errorCode: "CONCURRENT_TRANSACTIONS" }> {
    const { store, producerIds } = this.options;
    const open = await store.fenceOpenTransaction(clusterId, req.transactionalId);
    if (open && !(await this.tryFinish(open)))
      return { ok: false, errorCode: "CONCURRENT_TRANSACTIONS" };
    const result = await producerIds.init(clusterId, req);
    if (result.ok) await store.setTimeout(clusterId, req.transactionalId, req.timeoutMs);
    return result;
  }

  addPartitions(
    clusterId: string,
    caller: TransactionCaller,
    partitions: readonly PartitionRef[],
  ): Promise<TransactionResult> {
    return this.options.store.addPartitions(clusterId, caller, partitions);
  }

  /** AddOffsetsToTxn (no offsets yet) and TxnOffsetCommit (offsets held until commit). */
  addOffsets(
    clusterId: string,
    caller: TransactionCaller,
    groupId: string,
    offsets: readonly CommittedOffset[],
  ): Promise<TransactionResult> {
    return this.options.store.addOffsets(clusterId, caller, groupId, offsets);
  }

  /** EndTxn: decides, writes the markers, then releases the transaction; answers after all. */
  async endTransaction(
    clusterId: string,
    caller: TransactionCaller,
    commit: boolean,
  ): Promise<TransactionResult> {
    const prepared = await this.options.store.prepareEnd(clusterId, caller, commit);
    if (!prepared.ok) return prepared;
    // The decision is durable: a failed marker write is finished by a retry or the timeouts job.
    if (prepared.value && !(await this.tryFinish(prepared.value)))
      return { ok: false, errorCode: "CONCURRENT_TRANSACTIONS" };
    return { ok: true };
  }

  /**
   * Aborts open transactions past their transaction.timeout.ms (fencing their producers) and
   * finishes ones whose agent died while completing them; then forgets aborted ranges retention
   * has passed. Returns how many transactions were finished.
   */
  async finishExpired(clusterId: string | null, stuckMs: number): Promise<number> {
    const { store, logger } = this.options;
    const expired = await store.claimExpired(clusterId, stuckMs);
    let finished = 0;
    for (const txn of expired) {
      if (!(await this.tryFinish(txn))) continue;
      finished++;
      logger.info(
        { clusterId: txn.clusterId, transactionalId: txn.transactionalId, commit: txn.commit },
        "expired transaction finished",
      );
    }
    await store.pruneAbortedTransactions(clusterId);
    return finished;
  }

  private async tryFinish(txn: CompletingTransaction): Promise<boolean> {
    try {
      await this.finish(txn);
      return true;
    } catch (err) {
      this.options.logger.warn(
        { err, clusterId: txn.clusterId, transactionalId: txn.transactionalId },
        "transaction markers not written; left to a retry",
      );
      return false;
    }
  }

  private async finish(txn: CompletingTransaction): Promise<void> {
    const nowMs = this.now();
    const entries = await Promise.all(
      txn.partitions.map((p) => markerEntry(p, txn, txn.commit, nowMs)),
    );
    const results = await this.options.produceBuffer.append(txn.clusterId, entries);
    const markers: WrittenMarker[] = [];
    results.forEach((result, i) => {
      // A partition deleted meanwhile has nothing left to mark.
      if (result.ok)
        markers.push({
          topicId: entries[i]!.topicId,
          partition: entries[i]!.partition,
          offset: result.baseOffset,
        });
    });
    // The commit that wrote the markers completed the transaction with them; only a transaction
    // without partitions, or one whose partitions are gone, is completed here.
    if (markers.length < entries.length || entries.length === 0)
      await this.options.store.complete(txn, markers);
  }
}
