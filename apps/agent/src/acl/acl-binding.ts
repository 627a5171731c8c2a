/**
 * Kafka's ACL vocabulary: the wire codes of resource types, pattern types, operations and
 * permissions, and the enum names the acl_bindings table stores (the console writes the same).
 */

export const ResourceType = {
  UNKNOWN: 0,
  ANY: 1,
  TOPIC: 2,
  GROUP: 3,
  CLUSTER: 4,
  TRANSACTIONAL_ID: 5,
  DELEGATION_TOKEN: 6,
  USER: 7,
} as const;

export const PatternType = { UNKNOWN: 0, ANY: 1, MATCH: 2, LITERAL: 3, PREFIXED: 4 } as const;

export const AclOperation = {
  UNKNOWN: 0,
  ANY: 1,
  ALL: 2,
  READ: 3,
  WRITE: 4,
  CREATE: 5,
  DELETE: 6,
  ALTER: 7,
  DESCRIBE: 8,
  CLUSTER_ACTION: 9,
  DESCRIBE_CONFIGS: 10,
  ALTER_CONFIGS: 11,
  IDEMPOTENT_WRITE: 12,
  CREATE_TOKENS: 13,
  DESCRIBE_TOKENS: 14,
} as const;

export const PermissionType = { UNKNOWN: 0, ANY: 1, DENY: 2, ALLOW: 3 } as const;

/** The resource types an ACL may be bound to here (Kafka's, without delegation tokens and users). */
export const bindableResourceTypes = ["TOPIC", "GROUP", "CLUSTER", "TRANSACTIONAL_ID"] as const;
export type AclResourceType = (typeof bindableResourceTypes)[number];
export type AclPatternType = "LITERAL" | "PREFIXED";
export type AclOperationName = Exclude<keyof typeof AclOperation, "UNKNOWN" | "ANY">;
export type AclPermission = "ALLOW" | "DENY";

/** The one cluster resource's name, as in Kafka. */
export const CLUSTER_RESOURCE_NAME = "kafka-cluster";
/** A LITERAL binding with this name (or principal "User:*", host "*") matches every one. */
export const WILDCARD = "*";

/** One ACL, as acl_bindings stores it. */
export interface AclBinding {
  resourceType: AclResourceType;
  resourceName: string;
  patternType: AclPatternType;
  principal: string;
  host: string;
  operation: AclOperationName;
  permission: AclPermission;
}

const nameOf = <T extends Record<string, number>>(codes: T) =>
  new Map(Object.entries(codes).map(([name, code]) => [code, name as keyof T & string]));

export const resourceTypeName = nameOf(ResourceType);
export const patternTypeName = nameOf(PatternType);
export const operationName = nameOf(AclOperation);
export const permissionName = nameOf(PermissionType);

/** The wire form of a stored binding. */
export function bindingCodes(b: AclBinding) {
  return {
    resourceType: ResourceType[b.resourceType],
    resourceName: b.resourceName,
    patternType: PatternType[b.patternType],
    principal: b.principal,
    host: b.host,
    operation: AclOperation[b.operation],
    permissionType: PermissionType[b.permission],
  };
}
