import {
  WILDCARD,
  type AclBinding,
  type AclOperationName,
  type AclResourceType,
} from "./acl-binding.ts";

/** Who asks, from where: a Kafka principal ("User:alice") and the client's IP address. */
export interface Requester {
  principal: string;
  host: string;
}

/**
 * Operations that grant `operation` too (Kafka's AclAuthorizer): READ, WRITE, DELETE or ALTER
 * imply DESCRIBE; ALTER_CONFIGS implies DESCRIBE_CONFIGS; ALL implies everything.
 */
const grantedBy: Partial<Record<AclOperationName, readonly AclOperationName[]>> = {
  DESCRIBE: ["DESCRIBE", "READ", "WRITE", "DELETE", "ALTER", "ALL"],
  DESCRIBE_CONFIGS: ["DESCRIBE_CONFIGS", "ALTER_CONFIGS", "ALL"],
};

const allowingOperations = (operation: AclOperationName) =>
  grantedBy[operation] ?? [operation, "ALL"];

interface ResourceAcls {
  literal: Map<string, AclBinding[]>;
  prefixed: AclBinding[];
}

/**
 * The ACLs of one cluster, indexed by resource, with Kafka's decision rules: a request is allowed
 * when some ALLOW binding matches it and no DENY binding does (DENY wins); nothing matching means
 * denied. A binding matches a resource by LITERAL name (or the "*" name) or by PREFIXED name,
 * a principal by equality or "User:*", a host by equality or "*".
 */
export class AclIndex {
  private readonly byType = new Map<AclResourceType, ResourceAcls>();

  constructor(readonly bindings: readonly AclBinding[]) {
    for (const b of bindings) {
      let acls = this.byType.get(b.resourceType);
      if (!acls) this.byType.set(b.resourceType, (acls = { literal: new Map(), prefixed: [] }));
      if (b.patternType === "PREFIXED") acls.prefixed.push(b);
      else acls.literal.set(b.resourceName, [...(acls.literal.get(b.resourceName) ?? []), b]);
    }
  }

  allows(
    who: Requester,
    operation: AclOperationName,
    resourceType: AclResourceType,
    name: string,
  ): boolean {
    const matching = this.matching(who, resourceType, name);
    if (matching.some((b) => b.permission === "DENY" && deniesOperation(b, operation)))
      return false;
    const allowing = allowingOperations(operation);
    return matching.some((b) => b.permission === "ALLOW" && allowing.includes(b.operation));
  }

  /**
   * Whether `operation` is allowed on at least one resource of the type (Kafka's
   * authorizeByResourceType: an idempotent producer may write when it may write some topic).
   */
  allowsSome(who: Requester, operation: AclOperationName, resourceType: AclResourceType): boolean {
    const acls = this.byType.get(resourceType);
    if (!acls) return false;
    const all = [...acls.prefixed, ...[...acls.literal.values()].flat()].filter((b) =>
      appliesTo(b, who),
    );
    const denies = all.filter((b) => b.permission === "DENY" && deniesOperation(b, operation));
    const allowing = allowingOperations(operation);
    const allows = all.filter((b) => b.permission === "ALLOW" && allowing.includes(b.operation));
    if (denies.some((d) => d.patternType === "LITERAL" && d.resourceName === WILDCARD))
      return false;
    const deniedPrefixes = denies.filter((d) => d.patternType === "PREFIXED");
    const deniedNames = new Set(
      denies.filter((d) => d.patternType === "LITERAL").map((d) => d.resourceName),
    );
    return allows.some(
      (a) =>
        !deniedPrefixes.some((d) => a.resourceName.startsWith(d.resourceName)) &&
        (a.patternType === "PREFIXED" || !deniedNames.has(a.resourceName)),
    );
  }

  private matching(who: Requester, resourceType: AclResourceType, name: string): AclBinding[] {
    const acls = this.byType.get(resourceType);
    if (!acls) return [];
    const found = [
      ...(acls.literal.get(name) ?? []),
      ...(name === WILDCARD ? [] : (acls.literal.get(WILDCARD) ?? [])),
      ...acls.prefixed.filter((b) => name.startsWith(b.resourceName)),
    ];
    return found.filter((b) => appliesTo(b, who));
  }
}

function appliesTo(b: AclBinding, who: Requester): boolean {
  return (
    (b.principal === who.principal || b.principal === `User:${WILDCARD}`) &&
    (b.host === who.host || b.host === WILDCARD)
  );
}

function deniesOperation(b: AclBinding, operation: AclOperationName): boolean {
  return b.operation === operation || b.operation === "ALL";
}
