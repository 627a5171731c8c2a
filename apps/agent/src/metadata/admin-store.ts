import type { PartitionRef } from "./metadata-store.ts";

/** A producer whose batches a partition has accepted (its idempotence state). */
export interface ActiveProducer extends PartitionRef {
  producerId: bigint;
  producerEpoch: number;
  lastSequence: number;
  /** When its last batch was committed, in ms since the epoch. */
  lastCommitMs: bigint;
}

/** What the admin APIs read about partitions that no hot path needs. */
export interface AdminStore {
  /** Bytes object storage holds for each partition: the sum of the byte ranges its index rows point at. */
  partitionSizes(
    clusterId: string,
    partitions: readonly PartitionRef[],
  ): Promise<(PartitionRef & { bytes: bigint })[]>;
  activeProducers(
    clusterId: string,
    partitions: readonly PartitionRef[],
  ): Promise<ActiveProducer[]>;
}
