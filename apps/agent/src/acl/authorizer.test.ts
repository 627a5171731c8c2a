import { describe, expect, it } from "vitest";
import type { AclBinding } from "./acl-binding.ts";
import { AclIndex } from "./authorizer.ts";

const alice = { principal: "User:alice", host: "10.0.0.1" };
const bob = { principal: "User:bob", host: "10.0.0.2" };

function acl(partial: Partial<AclBinding>): AclBinding {
  return {
    resourceType: "TOPIC",
    resourceName: "orders",
    patternType: "LITERAL",
    principal: "User:alice",
    host: "*",
    operation: "READ",
    permission: "ALLOW",
    ...partial,
  };
}

describe("AclIndex", () => {
  it("denies when nothing matches, allows what an ALLOW binding names", () => {
    const index = new AclIndex([acl({})]);
    expect(index.allows(alice, "READ", "TOPIC", "orders")).toBe(true);
    expect(index.allows(alice, "WRITE", "TOPIC", "orders")).toBe(false);
    expect(index.allows(alice, "READ", "TOPIC", "payments")).toBe(false);
    expect(index.allows(bob, "READ", "TOPIC", "orders")).toBe(false);
    expect(index.allows(alice, "READ", "GROUP", "orders")).toBe(false);
  });

  it("matches the wildcard name, principal and host, and PREFIXED names", () => {
    const index = new AclIndex([
      acl({ resourceName: "*", operation: "WRITE" }),
      acl({ principal: "User:*", resourceName: "logs-", patternType: "PREFIXED" }),
      acl({ principal: "User:bob", host: "10.0.0.9", operation: "DELETE" }),
    ]);
    expect(index.allows(alice, "WRITE", "TOPIC", "anything")).toBe(true);
    expect(index.allows(bob, "READ", "TOPIC", "logs-app")).toBe(true);
    expect(index.allows(bob, "READ", "TOPIC", "logs")).toBe(false);
    expect(index.allows(bob, "DELETE", "TOPIC", "orders")).toBe(false);
    expect(index.allows({ ...bob, host: "10.0.0.9" }, "DELETE", "TOPIC", "orders")).toBe(true);
  });

  it("lets a DENY win over any ALLOW, for its operation or ALL", () => {
    const index = new AclIndex([
      acl({ operation: "ALL", resourceName: "", patternType: "PREFIXED" }),
      acl({
        permission: "DENY",
        operation: "WRITE",
        resourceName: "secret-",
        patternType: "PREFIXED",
      }),
      acl({ permission: "DENY", operation: "ALL", resourceName: "locked" }),
    ]);
    expect(index.allows(alice, "WRITE", "TOPIC", "orders")).toBe(true);
    expect(index.allows(alice, "WRITE", "TOPIC", "secret-plans")).toBe(false);
    expect(index.allows(alice, "READ", "TOPIC", "secret-plans")).toBe(true);
    // A DENY of WRITE does not deny DESCRIBE, which READ implies.
    expect(index.allows(alice, "DESCRIBE", "TOPIC", "secret-plans")).toBe(true);
    expect(index.allows(alice, "DESCRIBE", "TOPIC", "locked")).toBe(false);
  });

  it("implies DESCRIBE from READ/WRITE/DELETE/ALTER and DESCRIBE_CONFIGS from ALTER_CONFIGS", () => {
    for (const operation of ["READ", "WRITE", "DELETE", "ALTER", "ALL"] as const)
      expect(new AclIndex([acl({ operation })]).allows(alice, "DESCRIBE", "TOPIC", "orders")).toBe(
        true,
      );
    for (const operation of ["CREATE", "DESCRIBE_CONFIGS", "ALTER_CONFIGS"] as const)
      expect(new AclIndex([acl({ operation })]).allows(alice, "DESCRIBE", "TOPIC", "orders")).toBe(
        false,
      );
    const alterConfigs = new AclIndex([acl({ operation: "ALTER_CONFIGS" })]);
    expect(alterConfigs.allows(alice, "DESCRIBE_CONFIGS", "TOPIC", "orders")).toBe(true);
    // Nothing else is implied: WRITE does not grant READ, DESCRIBE grants nothing else.
    expect(
      new AclIndex([acl({ operation: "WRITE" })]).allows(alice, "READ", "TOPIC", "orders"),
    ).toBe(false);
  });

  it("allows an operation on some resource of a type unless denies cover every allow", () => {
    const some = (bindings: AclBinding[]) =>
      new AclIndex(bindings).allowsSome(alice, "WRITE", "TOPIC");
    expect(some([])).toBe(false);
    expect(some([acl({ operation: "WRITE" })])).toBe(true);
    expect(some([acl({ operation: "READ" })])).toBe(false);
    expect(
      some([acl({ operation: "WRITE" }), acl({ operation: "WRITE", permission: "DENY" })]),
    ).toBe(false);
    expect(
      some([
        acl({ operation: "WRITE", resourceName: "app-x", patternType: "PREFIXED" }),
        acl({
          operation: "WRITE",
          permission: "DENY",
          resourceName: "app-",
          patternType: "PREFIXED",
        }),
      ]),
    ).toBe(false);
    expect(
      some([
        acl({ operation: "WRITE", resourceName: "app-", patternType: "PREFIXED" }),
        acl({
          operation: "WRITE",
          permission: "DENY",
          resourceName: "app-x",
          patternType: "PREFIXED",
        }),
      ]),
    ).toBe(true);
    expect(
      some([
        acl({ operation: "ALL" }),
        acl({ operation: "WRITE", permission: "DENY", resourceName: "*" }),
      ]),
    ).toBe(false);
  });
});
