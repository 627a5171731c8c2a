import type { PartitionHead } from "../metadata/metadata-store.ts";
import type { TransactionStore } from "../metadata/transaction-store.ts";

/** isolation_level 1 of Fetch and ListOffsets. */
export const READ_COMMITTED = 1;

/**
 * The heads as a read_committed client sees them: the high watermark replaced by the last stable
 * offset (the first offset of the oldest transaction still open in the partition, if any).
 */
export async function stableHeads(
  store: Pick<TransactionStore, "stablePartitions">,
  clusterId: string,
  heads: readonly PartitionHead[],
): Promise<PartitionHead[]> {
  const stable = await store.stablePartitions(
    clusterId,
    heads.map((h) => ({
      topicId: h.topicId,
      partition: h.partition,
      fetchOffset: h.highWatermark,
    })),
  );
  return heads.map((head, i) => {
    const open = stable[i]!.firstOpenOffset;
    return open !== null && open < head.highWatermark ? { ...head, highWatermark: open } : head;
  });
}
