import type { GroupSnapshot, GroupState } from "../groups/group-types.ts";

export interface CommittedOffset {
  topic: string;
  partition: number;
  offset: bigint;
  leaderEpoch: number;
  metadata: string | null;
}

export interface GroupListing {
  groupId: string;
  protocolType: string | null;
  state: GroupState;
}

/** Lag of one partition: the high watermark minus the group's committed offset. */
export interface PartitionLag {
  topic: string;
  partition: number;
  committedOffset: bigint;
  highWatermark: bigint;
  lag: bigint;
}

/**
 * Consumer groups and their committed offsets, so whichever agent coordinates a group next
 * finds its members and offsets.
 */
export interface GroupStore {
  load(clusterId: string, groupId: string): Promise<GroupSnapshot | null>;
  /**
   * Stores the snapshot if the stored group is still at `expectedGeneration` (null: nothing
   * stored yet). A compare-and-set: of two agents that both believe they coordinate the group
   * (their views of the live agents differ for a moment), only one moves it on. Resolves whether
   * it was stored.
   */
  save(
    clusterId: string,
    snapshot: GroupSnapshot,
    expectedGeneration: number | null,
  ): Promise<boolean>;
  delete(clusterId: string, groupId: string): Promise<void>;
  list(clusterId: string): Promise<GroupListing[]>;
  /**
   * Stores the offsets in one statement. With `generationId` (a member's commit), only while the
   * stored group is at that generation, so a commit validated by a coordinator the group has
   * since moved away from cannot land after the next generation's. Resolves whether stored.
   */
  commitOffsets(
    clusterId: string,
    groupId: string,
    offsets: readonly CommittedOffset[],
    generationId?: number,
  ): Promise<boolean>;
  /** Committed offsets of the group: all of them, or those of the given topics. */
  fetchOffsets(
    clusterId: string,
    groupId: string,
    topics: readonly string[] | null,
  ): Promise<CommittedOffset[]>;
  deleteOffsets(
    clusterId: string,
    groupId: string,
    partitions: readonly { topic: string; partition: number }[],
  ): Promise<void>;
  /** Consumer lag per committed partition (for the console), against the partitions' high watermarks. */
  lag(clusterId: string, groupId: string): Promise<PartitionLag[]>;
}
