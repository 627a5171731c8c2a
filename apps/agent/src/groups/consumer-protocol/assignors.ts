import { fromPairs, type Assignment } from "./assignment.ts";

/** A member as a server-side assignor sees it. */
export interface AssignorMember {
  memberId: string;
  /** Topic ids the member subscribes to (existing topics only). */
  topicIds: readonly string[];
  /** Its current target: the uniform assignor keeps what it can. */
  current: Assignment;
}

/** Partition counts of the subscribed topics, by topic id. */
export type TopicPartitionCounts = ReadonlyMap<string, number>;

export type Assignor = (
  members: readonly AssignorMember[],
  topics: TopicPartitionCounts,
) => Map<string, Assignment>;

const byId = (a: AssignorMember, b: AssignorMember) =>
  a.memberId < b.memberId ? -1 : a.memberId > b.memberId ? 1 : 0;

/**
 * Kafka's `range` assignor: per topic, its subscribers sorted by member id take contiguous ranges
 * of partitions, the first ones one more when the count does not divide. Members subscribing to
 * the same co-partitioned topics get the same partition numbers of each (joins stay local).
 */
export const rangeAssignor: Assignor = (members, topics) => {
  const result = new Map<string, { topicId: string; partitions: number[] }[]>(
    members.map((m) => [m.memberId, []]),
  );
  for (const [topicId, count] of topics) {
    const subscribers = members.filter((m) => m.topicIds.includes(topicId)).sort(byId);
    if (subscribers.length === 0) continue;
    const base = Math.floor(count / subscribers.length);
    const extra = count % subscribers.length;
    let next = 0;
    subscribers.forEach((m, i) => {
      const size = base + (i < extra ? 1 : 0);
      const partitions = Array.from({ length: size }, (_, k) => next + k);
      next += size;
      result.get(m.memberId)!.push({ topicId, partitions });
    });
  }
  return new Map([...result].map(([id, pairs]) => [id, fromPairs(pairs)]));
};

const partitionKey = (topicId: string, partition: number) => `${topicId}\u0000${partition}`;

/**
 * Kafka's `uniform` assignor (the default): every subscribed partition goes to one subscriber,
 * counts per member as even as the subscriptions allow, and members keep the partitions they
 * have (only the surplus moves, so a rebalance revokes as little as possible).
 *
 * Balanced means: no member has two more partitions than another member that could take one of
 * them (with identical subscriptions, counts differ by at most one).
 */
export const uniformAssignor: Assignor = (members, topics) => {
  const sorted = [...members].sort(byId);
  const owned = new Map<string, Set<string>>(sorted.map((m) => [m.memberId, new Set<string>()]));
  const eligible = new Map<string, AssignorMember[]>();
  for (const [topicId] of topics) {
    eligible.set(
      topicId,
      sorted.filter((m) => m.topicIds.includes(topicId)),
    );
  }
  const owner = new Map<string, string>();
  // Stickiness: a member keeps what it had, if it still subscribes and the partition still exists.
  for (const m of sorted) {
    for (const [topicId, partitions] of Object.entries(m.current)) {
      const count = topics.get(topicId);
      if (count === undefined || !m.topicIds.includes(topicId)) continue;
      for (const p of partitions) {
        const key = partitionKey(topicId, p);
        if (p >= count || owner.has(key)) continue;
        owner.set(key, m.memberId);
        owned.get(m.memberId)!.add(key);
      }
    }
  }
  const load = (id: string) => owned.get(id)!.size;
  // Partitions nobody keeps go to the least loaded subscriber.
  for (const [topicId, count] of topics) {
    const candidates = eligible.get(topicId)!;
    if (candidates.length === 0) continue;
    for (let p = 0; p < count; p++) {
      const key = partitionKey(topicId, p);
      if (owner.has(key)) continue;
      const target = candidates.reduce((best, m) =>
        load(m.memberId) < load(best.memberId) ? m : best,
      );
      owner.set(key, target.memberId);
      owned.get(target.memberId)!.add(key);
    }
  }
  // Then move surplus from loaded members to members two or more below that can take it. Each
  // move lowers the sum of squared loads, so this ends.
  for (let moved = true; moved;) {
    moved = false;
    const byLoad = [...sorted].sort((a, b) => load(b.memberId) - load(a.memberId) || byId(a, b));
    for (const from of byLoad) {
      for (const to of [...byLoad].reverse()) {
        if (load(from.memberId) - load(to.memberId) < 2) break;
        const movable = [...owned.get(from.memberId)!]
          .sort()
          .reverse()
          .find((key) => to.topicIds.includes(key.slice(0, key.indexOf("\u0000"))));
        if (movable === undefined) continue;
        owned.get(from.memberId)!.delete(movable);
        owned.get(to.memberId)!.add(movable);
        moved = true;
        break;
      }
      if (moved) break;
    }
  }
  return new Map(
    sorted.map((m) => [
      m.memberId,
      fromPairs(
        [...owned.get(m.memberId)!].map((key) => {
          const at = key.indexOf("\u0000");
          return { topicId: key.slice(0, at), partitions: [Number(key.slice(at + 1))] };
        }),
      ),
    ]),
  );
};

/** The server-side assignors by the name clients give (group.remote.assignor). */
export const assignors: ReadonlyMap<string, Assignor> = new Map([
  ["uniform", uniformAssignor],
  ["range", rangeAssignor],
]);

export const defaultAssignorName = "uniform";
