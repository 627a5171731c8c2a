import {
  anyHost,
  operationsByResource,
  wildcardPrincipal,
  wildcardResource,
  type AclRule,
  type Operation,
  type ResourceType,
} from "./acl-model.ts";

/*
 * Kafka's authorizer semantics (StandardAuthorizer), pure so the console can explain what a
 * credential may do without asking an agent:
 * - a rule applies when its principal is the caller's or User:*, its host is "*" or the caller's,
 *   and its pattern matches the resource: LITERAL by equal name or the name "*", PREFIXED by prefix;
 * - a matching DENY for the operation (or ALL) refuses, whatever allows;
 * - else a matching ALLOW for the operation, ALL, or an operation implying it allows:
 *   READ/WRITE/DELETE/ALTER imply DESCRIBE, ALTER_CONFIGS implies DESCRIBE_CONFIGS;
 * - else refused (deny by default). Superusers and clusters without enforcement skip all this.
 */

export interface AccessRequest {
  principal: string;
  /** The client's address; undefined: only rules for every host ("*") count. */
  host?: string;
  resourceType: ResourceType;
  resourceName: string;
  operation: Exclude<Operation, "ALL">;
}

const impliedBy: Partial<Record<Operation, readonly Operation[]>> = {
  DESCRIBE: ["READ", "WRITE", "DELETE", "ALTER"],
  DESCRIBE_CONFIGS: ["ALTER_CONFIGS"],
};

function principalMatches(rule: AclRule, principal: string): boolean {
  return rule.principal === principal || rule.principal === wildcardPrincipal;
}

function hostMatches(rule: AclRule, host: string | undefined): boolean {
  return rule.host === anyHost || (host !== undefined && rule.host === host);
}

/** Whether the rule's resource pattern covers a resource named `name` of `type`. */
export function patternMatches(rule: AclRule, type: ResourceType, name: string): boolean {
  if (rule.resourceType !== type) return false;
  if (rule.patternType === "PREFIXED") return name.startsWith(rule.resourceName);
  return rule.resourceName === name || rule.resourceName === wildcardResource;
}

/** Kafka's decision for one request against the cluster's rules (enforcement on, no superuser). */
export function authorize(rules: readonly AclRule[], request: AccessRequest): boolean {
  const applicable = rules.filter(
    (r) =>
      principalMatches(r, request.principal) &&
      hostMatches(r, request.host) &&
      patternMatches(r, request.resourceType, request.resourceName),
  );
  const denied = applicable.some(
    (r) => r.permission === "DENY" && (r.operation === request.operation || r.operation === "ALL"),
  );
  if (denied) return false;
  const granting = new Set<string>([
    request.operation,
    "ALL",
    ...(impliedBy[request.operation] ?? []),
  ]);
  return applicable.some((r) => r.permission === "ALLOW" && granting.has(r.operation));
}

export interface ResourcePattern {
  resourceType: ResourceType;
  patternType: "LITERAL" | "PREFIXED";
  resourceName: string;
}

export interface EffectivePermission extends ResourcePattern {
  /** Operations allowed on a resource this pattern names (for PREFIXED: one named the prefix). */
  allowed: Operation[];
  /** Operations a DENY rule takes away there. */
  denied: Operation[];
}

export type EffectivePermissions =
  | { kind: "everything"; reason: "enforcement_off" | "superuser" }
  | { kind: "rules"; permissions: EffectivePermission[] };

const patternKey = (p: ResourcePattern) =>
  `${p.resourceType}\u0000${p.patternType}\u0000${p.resourceName}`;

/**
 * What `principal` may do, per resource pattern its rules (own or User:*) name, with Kafka's
 * semantics. A PREFIXED pattern is evaluated on a resource named exactly the prefix, which every
 * longer name under it also gets unless a more specific rule says otherwise; a LITERAL "*" on a
 * resource no other rule names.
 */
export function effectivePermissions(
  rules: readonly AclRule[],
  principal: string,
  context: { enforcement: boolean; superuser: boolean },
): EffectivePermissions {
  if (!context.enforcement) return { kind: "everything", reason: "enforcement_off" };
  if (context.superuser) return { kind: "everything", reason: "superuser" };
  // Host-specific rules depend on where a client connects from; the console writes only "*".
  const own = rules.filter((r) => principalMatches(r, principal) && r.host === anyHost);
  const patterns = new Map<string, ResourcePattern>();
  for (const r of own) {
    if (!(r.resourceType in operationsByResource)) continue;
    const pattern: ResourcePattern = {
      resourceType: r.resourceType as ResourceType,
      patternType: r.patternType === "PREFIXED" ? "PREFIXED" : "LITERAL",
      resourceName: r.resourceName,
    };
    patterns.set(patternKey(pattern), pattern);
  }
  const permissions = [...patterns.values()]
    .sort((a, b) => patternKey(a).localeCompare(patternKey(b)))
    .map((pattern): EffectivePermission => {
      // On the wildcard, rules naming other resources do not apply: "*" stands for the rest.
      const relevant =
        pattern.patternType === "LITERAL" && pattern.resourceName === wildcardResource
          ? own.filter(
              (r) =>
                r.resourceType === pattern.resourceType &&
                r.patternType === "LITERAL" &&
                r.resourceName === wildcardResource,
            )
          : own;
      const decide = (operation: Exclude<Operation, "ALL">) =>
        authorize(relevant, {
          principal,
          resourceType: pattern.resourceType,
          resourceName: pattern.resourceName,
          operation,
        });
      const candidates = operationsByResource[pattern.resourceType].filter(
        (o): o is Exclude<Operation, "ALL"> => o !== "ALL",
      );
      const allowed = candidates.filter(decide);
      const denied = candidates.filter(
        (operation) =>
          !allowed.includes(operation) &&
          relevant.some(
            (r) =>
              r.permission === "DENY" &&
              (r.operation === operation || r.operation === "ALL") &&
              patternMatches(r, pattern.resourceType, pattern.resourceName),
          ),
      );
      return { ...pattern, allowed, denied };
    });
  return { kind: "rules", permissions };
}
