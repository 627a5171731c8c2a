/**
 * Assignments of KIP-848 consumer groups: partition numbers per topic id, each list sorted and
 * without repeats. Plain records, so a group persists as JSON.
 */
export type Assignment = Record<string, number[]>;

export function partitionCount(a: Assignment): number {
  let n = 0;
  for (const partitions of Object.values(a)) n += partitions.length;
  return n;
}

export function isEmptyAssignment(a: Assignment): boolean {
  return partitionCount(a) === 0;
}

function normalized(entries: Iterable<[string, Iterable<number>]>): Assignment {
  const out: Assignment = {};
  for (const [topicId, partitions] of entries) {
    const sorted = [...new Set(partitions)].sort((x, y) => x - y);
    if (sorted.length > 0) out[topicId] = sorted;
  }
  return out;
}

export function fromPairs(pairs: Iterable<{ topicId: string; partitions: number[] }>): Assignment {
  const byTopic = new Map<string, number[]>();
  for (const { topicId, partitions } of pairs) {
    byTopic.set(topicId, [...(byTopic.get(topicId) ?? []), ...partitions]);
  }
  return normalized(byTopic);
}

export function toPairs(a: Assignment): { topicId: string; partitions: number[] }[] {
  return Object.entries(a).map(([topicId, partitions]) => ({ topicId, partitions }));
}

function combine(a: Assignment, b: Assignment, keep: (inB: boolean) => boolean): Assignment {
  return normalized(
    Object.entries(a).map(([topicId, partitions]) => {
      const other = new Set(b[topicId] ?? []);
      return [topicId, partitions.filter((p) => keep(other.has(p)))];
    }),
  );
}

export const intersect = (a: Assignment, b: Assignment) => combine(a, b, (inB) => inB);
export const subtract = (a: Assignment, b: Assignment) => combine(a, b, (inB) => !inB);

export function union(a: Assignment, b: Assignment): Assignment {
  const topics = new Set([...Object.keys(a), ...Object.keys(b)]);
  return normalized([...topics].map((t) => [t, [...(a[t] ?? []), ...(b[t] ?? [])]]));
}

export function sameAssignment(a: Assignment, b: Assignment): boolean {
  return isEmptyAssignment(subtract(a, b)) && isEmptyAssignment(subtract(b, a));
}
