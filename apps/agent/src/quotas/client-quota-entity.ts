/**
 * Kafka's client quota entity model (KIP-546): an entity is a set of (type, name) pairs, one per
 * type, where a null name is the type's default entity. user and client-id combine; ip stands
 * alone. Pure functions, shared by AlterClientQuotas, DescribeClientQuotas and the store.
 */
export type QuotaEntityType = "user" | "client-id" | "ip";

export interface QuotaEntityPart {
  entityType: string;
  entityName: string | null;
}

/** The pairs sorted by type: one canonical form per entity. */
export type QuotaEntity = QuotaEntityPart[];

export interface ClientQuota {
  entity: QuotaEntity;
  values: { key: string; value: number }[];
}

/** request_rate (requests per second) is Streambed's; request_percentage is stored, not enforced. */
const userOrClientKeys = new Set([
  "producer_byte_rate",
  "consumer_byte_rate",
  "request_percentage",
  "request_rate",
  "controller_mutation_rate",
]);
const ipKeys = new Set(["connection_creation_rate"]);
/** Byte rates and connection rates are whole numbers in Kafka; the others are doubles. */
const wholeNumberKeys = new Set([
  "producer_byte_rate",
  "consumer_byte_rate",
  "connection_creation_rate",
]);

export function canonicalEntity(entity: readonly QuotaEntityPart[]): QuotaEntity {
  return [...entity]
    .map((p) => ({ entityType: p.entityType, entityName: p.entityName }))
    .sort((a, b) => a.entityType.localeCompare(b.entityType));
}

/** Why Kafka would refuse this entity (INVALID_REQUEST), or null. */
export function entityProblem(entity: readonly QuotaEntityPart[]): string | null {
  if (entity.length === 0) return "Invalid empty client quota entity";
  const types = entity.map((p) => p.entityType);
  if (new Set(types).size !== types.length) return "Duplicate entity type in client quota entity";
  for (const t of types)
    if (t !== "user" && t !== "client-id" && t !== "ip")
      return `Unhandled client quota entity type: ${t}`;
  if (types.includes("ip") && types.length > 1)
    return "Invalid quota entity combination: ip cannot be combined with other entity types";
  return null;
}

/** Why Kafka would refuse setting `key` to `value` on this (valid) entity, or null. */
export function quotaValueProblem(
  entity: readonly QuotaEntityPart[],
  key: string,
  value: number,
  remove: boolean,
): string | null {
  const isIp = entity.some((p) => p.entityType === "ip");
  if (!(isIp ? ipKeys : userOrClientKeys).has(key)) return `Invalid configuration key ${key}`;
  if (remove) return null;
  if (!Number.isFinite(value) || value <= 0)
    return `Invalid value ${value} for configuration key ${key}: must be positive`;
  if (wholeNumberKeys.has(key) && !Number.isInteger(value))
    return `Configuration ${key} must be a whole number (got ${value})`;
  return null;
}

export interface QuotaFilterComponent {
  entityType: string;
  /** 0: the named entity, 1: the default entity, 2: any entity of the type. */
  matchType: number;
  match: string | null;
}

/** Why Kafka would refuse this DescribeClientQuotas filter (INVALID_REQUEST), or null. */
export function filterProblem(components: readonly QuotaFilterComponent[]): string | null {
  const types = components.map((c) => c.entityType);
  if (new Set(types).size !== types.length) return "Duplicate entity type in filter";
  for (const c of components) {
    if (c.matchType < 0 || c.matchType > 2) return `Unknown match type ${c.matchType}`;
    if (c.matchType === 0 && c.match === null)
      return `Unexpected null match for exact match of ${c.entityType}`;
  }
  return null;
}

/** Whether an entity matches every component (and, when strict, has no other types). */
export function matchesFilter(
  entity: readonly QuotaEntityPart[],
  components: readonly QuotaFilterComponent[],
  strict: boolean,
): boolean {
  if (strict && entity.length !== components.length) return false;
  return components.every((c) => {
    const part = entity.find((p) => p.entityType === c.entityType);
    if (!part) return false;
    if (c.matchType === 0) return part.entityName === c.match;
    if (c.matchType === 1) return part.entityName === null;
    return true;
  });
}
