import type {
  ConsumerGroupSnapshot,
  ConsumerGroupState,
} from "../groups/consumer-protocol/consumer-group-types.ts";

export interface ConsumerGroupListing {
  groupId: string;
  state: ConsumerGroupState;
}

/**
 * KIP-848 consumer groups, so whichever agent coordinates a group next finds its epochs,
 * members and assignments. Their committed offsets are in the GroupStore, as a classic group's.
 */
export interface ConsumerGroupStore {
  load(clusterId: string, groupId: string): Promise<ConsumerGroupSnapshot | null>;
  save(
    clusterId: string,
    snapshot: ConsumerGroupSnapshot,
    state: ConsumerGroupState,
  ): Promise<void>;
  /** Removes the group row only (a classic group taking over the id keeps the offsets). */
  delete(clusterId: string, groupId: string): Promise<void>;
  list(clusterId: string): Promise<ConsumerGroupListing[]>;
}
