import { describe, expect, it } from "vitest";
import {
  AclOperation,
  PatternType,
  PermissionType,
  ResourceType,
  type AclBinding,
} from "./acl-binding.ts";
import {
  bindingToCreate,
  filterMatches,
  filterProblem,
  type AclBindingFilter,
} from "./acl-filter.ts";

const literal: AclBinding = {
  resourceType: "TOPIC",
  resourceName: "orders",
  patternType: "LITERAL",
  principal: "User:alice",
  host: "*",
  operation: "READ",
  permission: "ALLOW",
};
const prefixed: AclBinding = { ...literal, resourceName: "ord", patternType: "PREFIXED" };
const wildcard: AclBinding = { ...literal, resourceName: "*" };

const anyFilter: AclBindingFilter = {
  resourceTypeFilter: ResourceType.ANY,
  resourceNameFilter: null,
  patternTypeFilter: PatternType.ANY,
  principalFilter: null,
  hostFilter: null,
  operation: AclOperation.ANY,
  permissionType: PermissionType.ANY,
};

describe("ACL binding filters", () => {
  it("ANY matches everything; fields narrow it", () => {
    for (const b of [literal, prefixed, wildcard]) expect(filterMatches(anyFilter, b)).toBe(true);
    expect(filterMatches({ ...anyFilter, resourceTypeFilter: ResourceType.GROUP }, literal)).toBe(
      false,
    );
    expect(filterMatches({ ...anyFilter, principalFilter: "User:bob" }, literal)).toBe(false);
    expect(filterMatches({ ...anyFilter, operation: AclOperation.WRITE }, literal)).toBe(false);
    expect(filterMatches({ ...anyFilter, permissionType: PermissionType.DENY }, literal)).toBe(
      false,
    );
  });

  it("LITERAL/PREFIXED/ANY match the exact name; MATCH whatever applies to the name", () => {
    const named = (patternTypeFilter: number) => ({
      ...anyFilter,
      resourceNameFilter: "orders",
      patternTypeFilter,
    });
    const matched = (f: AclBindingFilter) =>
      [literal, prefixed, wildcard].filter((b) => filterMatches(f, b)).map((b) => b.resourceName);
    expect(matched(named(PatternType.LITERAL))).toEqual(["orders"]);
    expect(matched(named(PatternType.PREFIXED))).toEqual([]);
    expect(matched(named(PatternType.ANY))).toEqual(["orders"]);
    expect(matched(named(PatternType.MATCH))).toEqual(["orders", "ord", "*"]);
    expect(matched({ ...named(PatternType.PREFIXED), resourceNameFilter: "ord" })).toEqual(["ord"]);
  });

  it("refuses UNKNOWN filter values and invalid creations", () => {
    expect(filterProblem(anyFilter)).toBeNull();
    expect(filterProblem({ ...anyFilter, operation: AclOperation.UNKNOWN })).not.toBeNull();
    const creation = {
      resourceType: ResourceType.TOPIC,
      resourceName: "orders",
      resourcePatternType: PatternType.LITERAL,
      principal: "User:alice",
      host: "*",
      operation: AclOperation.READ,
      permissionType: PermissionType.ALLOW,
    };
    expect(bindingToCreate(creation)).toEqual(literal);
    expect(bindingToCreate({ ...creation, resourcePatternType: PatternType.MATCH })).toBeTypeOf(
      "string",
    );
    expect(bindingToCreate({ ...creation, operation: AclOperation.ANY })).toBeTypeOf("string");
    expect(bindingToCreate({ ...creation, principal: "alice" })).toBeTypeOf("string");
    expect(bindingToCreate({ ...creation, resourceType: ResourceType.CLUSTER })).toBeTypeOf(
      "string",
    );
    expect(
      bindingToCreate({
        ...creation,
        resourceType: ResourceType.CLUSTER,
        resourceName: "kafka-cluster",
      }),
    ).toMatchObject({ resourceType: "CLUSTER" });
  });
});
