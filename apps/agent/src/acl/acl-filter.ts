import {
  AclOperation,
  CLUSTER_RESOURCE_NAME,
  PatternType,
  PermissionType,
  ResourceType,
  WILDCARD,
  bindableResourceTypes,
  operationName,
  patternTypeName,
  permissionName,
  resourceTypeName,
  type AclBinding,
  type AclResourceType,
} from "./acl-binding.ts";

/** A CreateAcls creation, a DescribeAcls request or a DeleteAcls filter, in wire codes. */
export interface AclBindingFilter {
  resourceTypeFilter: number;
  resourceNameFilter: string | null;
  patternTypeFilter: number;
  principalFilter: string | null;
  hostFilter: string | null;
  operation: number;
  permissionType: number;
}

/** Why a DescribeAcls/DeleteAcls filter cannot match anything meaningful, or null. */
export function filterProblem(f: AclBindingFilter): string | null {
  if (f.resourceTypeFilter === ResourceType.UNKNOWN || !resourceTypeName.has(f.resourceTypeFilter))
    return "Unknown resource type";
  if (f.patternTypeFilter === PatternType.UNKNOWN || !patternTypeName.has(f.patternTypeFilter))
    return "Unknown pattern type";
  if (f.operation === AclOperation.UNKNOWN || !operationName.has(f.operation))
    return "Unknown operation";
  if (f.permissionType === PermissionType.UNKNOWN || !permissionName.has(f.permissionType))
    return "Unknown permission type";
  return null;
}

/**
 * Kafka's AclBindingFilter.matches: ANY matches every value, a null name/principal/host every
 * one; pattern MATCH matches the bindings that would apply to the named resource (its LITERAL
 * name, the "*" LITERAL, and every PREFIXED binding the name starts with).
 */
export function filterMatches(f: AclBindingFilter, b: AclBinding): boolean {
  if (
    f.resourceTypeFilter !== ResourceType.ANY &&
    f.resourceTypeFilter !== ResourceType[b.resourceType]
  )
    return false;
  if (!patternMatches(f, b)) return false;
  if (f.principalFilter !== null && f.principalFilter !== b.principal) return false;
  if (f.hostFilter !== null && f.hostFilter !== b.host) return false;
  if (f.operation !== AclOperation.ANY && f.operation !== AclOperation[b.operation]) return false;
  return (
    f.permissionType === PermissionType.ANY || f.permissionType === PermissionType[b.permission]
  );
}

function patternMatches(f: AclBindingFilter, b: AclBinding): boolean {
  const pattern = f.patternTypeFilter;
  const exact = pattern === PatternType.ANY || pattern === PatternType[b.patternType];
  if (!exact && pattern !== PatternType.MATCH) return false;
  const name = f.resourceNameFilter;
  if (name === null) return true;
  if (exact) return name === b.resourceName;
  return b.patternType === "LITERAL"
    ? name === b.resourceName || b.resourceName === WILDCARD
    : name.startsWith(b.resourceName);
}

/** A CreateAcls creation as a binding to store, or why it is invalid (INVALID_REQUEST). */
export function bindingToCreate(c: {
  resourceType: number;
  resourceName: string;
  resourcePatternType: number;
  principal: string;
  host: string;
  operation: number;
  permissionType: number;
}): AclBinding | string {
  const resourceType = resourceTypeName.get(c.resourceType);
  if (!resourceType || !(bindableResourceTypes as readonly string[]).includes(resourceType))
    return `Unsupported resource type ${c.resourceType}`;
  const patternType = patternTypeName.get(c.resourcePatternType);
  if (patternType !== "LITERAL" && patternType !== "PREFIXED")
    return "Pattern type must be LITERAL or PREFIXED";
  const operation = operationName.get(c.operation);
  if (!operation || operation === "ANY" || operation === "UNKNOWN") return "Invalid operation";
  const permission = permissionName.get(c.permissionType);
  if (permission !== "ALLOW" && permission !== "DENY") return "Permission must be ALLOW or DENY";
  if (c.resourceName === "") return "Resource name must not be empty";
  if (resourceType === "CLUSTER" && c.resourceName !== CLUSTER_RESOURCE_NAME)
    return `The only valid name for the CLUSTER resource is ${CLUSTER_RESOURCE_NAME}`;
  if (!/^[^:]+:.+$/.test(c.principal)) return `Invalid principal "${c.principal}" (want Type:name)`;
  if (c.host === "") return "Host must not be empty";
  return {
    resourceType: resourceType as AclResourceType,
    resourceName: c.resourceName,
    patternType,
    principal: c.principal,
    host: c.host,
    operation,
    permission,
  };
}
