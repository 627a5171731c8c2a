import type { GroupProtocol } from "./group-types.ts";

/** Protocol names every member supports, in the first member's order of preference. */
function commonProtocols(memberProtocols: GroupProtocol[][]): string[] {
  const [first, ...rest] = memberProtocols;
  if (!first) return [];
  return first
    .map((p) => p.name)
    .filter((name) => rest.every((ps) => ps.some((p) => p.name === name)));
}

/** Whether a joining member shares at least one protocol with every current member. */
export function supportsProtocols(current: GroupProtocol[][], joining: GroupProtocol[]): boolean {
  return commonProtocols([joining, ...current]).length > 0;
}

/**
 * Kafka's vote: each member votes for its most preferred protocol among those all members
 * support; the most voted wins (ties go to the earlier candidate).
 */
export function selectProtocol(memberProtocols: GroupProtocol[][]): string {
  const candidates = commonProtocols(memberProtocols);
  const votes = new Map(candidates.map((c) => [c, 0]));
  for (const protocols of memberProtocols) {
    const choice = protocols.find((p) => votes.has(p.name));
    if (choice) votes.set(choice.name, votes.get(choice.name)! + 1);
  }
  let best = candidates[0]!;
  for (const c of candidates) if (votes.get(c)! > votes.get(best)!) best = c;
  return best;
}
