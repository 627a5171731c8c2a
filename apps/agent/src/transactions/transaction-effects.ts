import type { CommitResult, FlushedObject, PartitionRef } from "../metadata/metadata-store.ts";

/** Where a transactional producer's first batch of a commit landed in a partition. */
export interface TransactionStart extends PartitionRef {
  producerId: bigint;
  offset: bigint;
}

/** A transaction marker a commit wrote. */
export interface CommittedMarker extends PartitionRef {
  producerId: bigint;
  producerEpoch: number;
  commit: boolean;
  offset: bigint;
}

/**
 * What a flush commit means for transactions: the first offset of each transaction's data per
 * partition (it holds back the partition's last stable offset) and the markers written (their
 * transactions are completed in the same metadata transaction, so the last stable offset moves
 * exactly when the markers become visible).
 */
export function transactionEffects(
  objects: readonly FlushedObject[],
  results: readonly CommitResult[],
): { starts: TransactionStart[]; markers: CommittedMarker[] } {
  const starts = new Map<string, TransactionStart>();
  const markers: CommittedMarker[] = [];
  objects.forEach((object, o) =>
    object.entries.forEach((entry, e) => {
      const result = results[o]!.entries[e]!;
      const producer = entry.producer;
      if (!producer?.transactional || !result.ok || result.duplicate) return;
      const ref = { topicId: entry.topicId, partition: entry.partition };
      if (producer.control) {
        markers.push({
          ...ref,
          producerId: producer.producerId,
          producerEpoch: producer.producerEpoch,
          commit: producer.control === "commit",
          offset: result.baseOffset,
        });
        return;
      }
      const key = `${producer.producerId}:${entry.topicId}:${entry.partition}`;
      const seen = starts.get(key);
      if (!seen || result.baseOffset < seen.offset)
        starts.set(key, { ...ref, producerId: producer.producerId, offset: result.baseOffset });
    }),
  );
  return { starts: [...starts.values()], markers };
}
