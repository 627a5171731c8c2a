import type { ClientQuota } from "./client-quota-entity.ts";

/** The quota keys the agent enforces; request_rate (requests per second) is Streambed's own. */
export type EnforcedQuotaKey = "producer_byte_rate" | "consumer_byte_rate" | "request_rate";

/**
 * The quota that applies to one client and the group of clients sharing it. As in Kafka, clients
 * matched by the same entity share one rate: a quota on user alice is shared by all her client
 * ids, while the default user quota gives every user a rate of their own.
 */
export interface AppliedQuota {
  bound: number;
  /** Who shares the rate: the user and/or client id the matching entity names (or defaults). */
  sharedBy: string;
}

type Part = "named" | "default" | "absent";

/**
 * Kafka's order (DefaultQuotaCallback): the most specific entity defining the key wins.
 * [user part, client-id part].
 */
const precedence: readonly (readonly [Part, Part])[] = [
  ["named", "named"],
  ["named", "default"],
  ["named", "absent"],
  ["default", "named"],
  ["default", "default"],
  ["default", "absent"],
  ["absent", "named"],
  ["absent", "default"],
];

const key = (user: string | null | undefined, client: string | null | undefined) =>
  JSON.stringify([user === undefined ? 0 : user, client === undefined ? 0 : client]);

/** A cluster's client quotas indexed for lookups by (user, client id). */
export class QuotaPrecedence {
  private readonly byEntity = new Map<string, Map<string, number>>();
  private readonly resolved = new Map<string, AppliedQuota | null>();

  constructor(quotas: readonly ClientQuota[]) {
    for (const q of quotas) {
      if (q.entity.some((p) => p.entityType === "ip")) continue;
      const user = q.entity.find((p) => p.entityType === "user");
      const client = q.entity.find((p) => p.entityType === "client-id");
      const entity = key(user?.entityName, client?.entityName);
      this.byEntity.set(entity, new Map(q.values.map((v) => [v.key, v.value])));
    }
  }

  get empty(): boolean {
    return this.byEntity.size === 0;
  }

  /** The quota of `quotaKey` for this user and client id, or null when none applies. */
  applied(quotaKey: EnforcedQuotaKey, user: string, clientId: string): AppliedQuota | null {
    const cacheKey = `${quotaKey}\u0000${user}\u0000${clientId}`;
    const cached = this.resolved.get(cacheKey);
    if (cached !== undefined) return cached;
    const found = this.resolve(quotaKey, user, clientId);
    if (this.resolved.size > 100_000) this.resolved.clear();
    this.resolved.set(cacheKey, found);
    return found;
  }

  private resolve(quotaKey: string, user: string, clientId: string): AppliedQuota | null {
    for (const [userPart, clientPart] of precedence) {
      const u = userPart === "named" ? user : userPart === "default" ? null : undefined;
      const c = clientPart === "named" ? clientId : clientPart === "default" ? null : undefined;
      const bound = this.byEntity.get(key(u, c))?.get(quotaKey);
      if (bound === undefined) continue;
      return {
        bound,
        sharedBy: JSON.stringify([
          userPart === "absent" ? "" : user,
          clientPart === "absent" ? "" : clientId,
        ]),
      };
    }
    return null;
  }
}
