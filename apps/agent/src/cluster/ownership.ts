import { hashKey, jumpConsistentHash } from "./jump-hash.ts";

/** Anything identified by an id, e.g. a LiveAgent. */
export interface Owner {
  id: string;
}

/**
 * The owner of `key` among `candidates` by jump consistent hash over the candidates sorted by id,
 * so every agent that sees the same live set picks the same owner. Undefined when there are none.
 */
export function ownerOf<T extends Owner>(key: string, candidates: readonly T[]): T | undefined {
  if (candidates.length === 0) return undefined;
  const sorted = [...candidates].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return sorted[jumpConsistentHash(hashKey(key), sorted.length)];
}

/** The leader of a topic partition: partitions spread over the live agents. */
export function partitionLeader<T extends Owner>(
  topicId: string,
  partition: number,
  agents: readonly T[],
): T | undefined {
  return ownerOf(`${topicId}:${partition}`, agents);
}

/** The coordinator of a consumer group (or transactional id). */
export function groupCoordinator<T extends Owner>(
  clusterId: string,
  groupId: string,
  agents: readonly T[],
): T | undefined {
  return ownerOf(`group:${clusterId}:${groupId}`, agents);
}

/** The agent that reads a block of an object from the object store and serves it to its zone. */
export function blockOwner<T extends Owner>(
  objectKey: string,
  blockIndex: number,
  agents: readonly T[],
): T | undefined {
  return ownerOf(`block:${objectKey}:${blockIndex}`, agents);
}
