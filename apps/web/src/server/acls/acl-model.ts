/*
 * Kafka's ACL vocabulary, spelled as Kafka's enums (the agents compare these strings as stored in
 * acl_bindings). Which operations apply to which resource type follows Kafka's documentation.
 */

export const resourceTypes = ["TOPIC", "GROUP", "CLUSTER", "TRANSACTIONAL_ID"] as const;
export type ResourceType = (typeof resourceTypes)[number];

export const patternTypes = ["LITERAL", "PREFIXED"] as const;
export type PatternType = (typeof patternTypes)[number];

export const operations = [
  "READ",
  "WRITE",
  "CREATE",
  "DELETE",
  "ALTER",
  "DESCRIBE",
  "CLUSTER_ACTION",
  "DESCRIBE_CONFIGS",
  "ALTER_CONFIGS",
  "IDEMPOTENT_WRITE",
  "ALL",
] as const;
export type Operation = (typeof operations)[number];

export const permissions = ["ALLOW", "DENY"] as const;
export type Permission = (typeof permissions)[number];

/** The one cluster resource's name, as in Kafka. */
export const clusterResourceName = "kafka-cluster";
/** A literal resource name matching every resource of its type. */
export const wildcardResource = "*";
/** The principal matching every user. */
export const wildcardPrincipal = "User:*";
export const anyHost = "*";

/** Operations meaningful on each resource type (ALL included). */
export const operationsByResource: Record<ResourceType, readonly Operation[]> = {
  TOPIC: [
    "READ",
    "WRITE",
    "CREATE",
    "DELETE",
    "ALTER",
    "DESCRIBE",
    "DESCRIBE_CONFIGS",
    "ALTER_CONFIGS",
    "ALL",
  ],
  GROUP: ["READ", "DELETE", "DESCRIBE", "ALL"],
  CLUSTER: [
    "CREATE",
    "ALTER",
    "DESCRIBE",
    "CLUSTER_ACTION",
    "DESCRIBE_CONFIGS",
    "ALTER_CONFIGS",
    "IDEMPOTENT_WRITE",
    "ALL",
  ],
  TRANSACTIONAL_ID: ["WRITE", "DESCRIBE", "ALL"],
};

export interface AclRule {
  resourceType: string;
  resourceName: string;
  patternType: string;
  principal: string;
  host: string;
  operation: string;
  permission: string;
}

/** The Kafka principal of a SASL username. */
export const principalOf = (username: string) => `User:${username}`;
