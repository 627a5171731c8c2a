import { describe, expect, it } from "vitest";
import { authorize, effectivePermissions } from "./acl-evaluation.ts";
import type { AclRule } from "./acl-model.ts";

function rule(partial: Partial<AclRule> & Pick<AclRule, "resourceName" | "operation">): AclRule {
  return {
    resourceType: "TOPIC",
    patternType: "LITERAL",
    principal: "User:alice",
    host: "*",
    permission: "ALLOW",
    ...partial,
  };
}

const topic = (name: string, operation: "READ" | "WRITE" | "DESCRIBE" | "DELETE") => ({
  principal: "User:alice",
  resourceType: "TOPIC" as const,
  resourceName: name,
  operation,
});

describe("authorize", () => {
  it("denies by default", () => {
    expect(authorize([], topic("orders", "READ"))).toBe(false);
  });

  it("allows a literal match only on the same name", () => {
    const rules = [rule({ resourceName: "orders", operation: "READ" })];
    expect(authorize(rules, topic("orders", "READ"))).toBe(true);
    expect(authorize(rules, topic("orders-eu", "READ"))).toBe(false);
    expect(authorize(rules, topic("orders", "WRITE"))).toBe(false);
  });

  it("matches prefixed patterns by prefix and the literal name * everywhere", () => {
    const rules = [
      rule({ resourceName: "orders.", patternType: "PREFIXED", operation: "WRITE" }),
      rule({ resourceName: "*", operation: "DESCRIBE" }),
    ];
    expect(authorize(rules, topic("orders.eu", "WRITE"))).toBe(true);
    expect(authorize(rules, topic("payments", "WRITE"))).toBe(false);
    expect(authorize(rules, topic("payments", "DESCRIBE"))).toBe(true);
  });

  it("a literal * is not a prefix pattern", () => {
    const rules = [rule({ resourceName: "ord", operation: "READ" })];
    expect(authorize(rules, topic("orders", "READ"))).toBe(false);
  });

  it("applies User:* rules to every principal, and no other user's rules", () => {
    const rules = [
      rule({ principal: "User:*", resourceName: "public", operation: "READ" }),
      rule({ principal: "User:bob", resourceName: "private", operation: "READ" }),
    ];
    expect(authorize(rules, topic("public", "READ"))).toBe(true);
    expect(authorize(rules, topic("private", "READ"))).toBe(false);
  });

  it("lets deny win over allow, including a deny for ALL and a wildcard principal's deny", () => {
    expect(
      authorize(
        [
          rule({ resourceName: "orders", operation: "ALL" }),
          rule({ resourceName: "orders", operation: "WRITE", permission: "DENY" }),
        ],
        topic("orders", "WRITE"),
      ),
    ).toBe(false);
    expect(
      authorize(
        [
          rule({ resourceName: "orders", operation: "READ" }),
          rule({
            resourceName: "ord",
            patternType: "PREFIXED",
            operation: "ALL",
            permission: "DENY",
          }),
        ],
        topic("orders", "READ"),
      ),
    ).toBe(false);
    expect(
      authorize(
        [
          rule({ resourceName: "orders", operation: "READ" }),
          rule({ principal: "User:*", resourceName: "*", operation: "READ", permission: "DENY" }),
        ],
        topic("orders", "READ"),
      ),
    ).toBe(false);
  });

  it("derives DESCRIBE from READ, WRITE, DELETE and ALTER, and DESCRIBE_CONFIGS from ALTER_CONFIGS", () => {
    for (const operation of ["READ", "WRITE", "DELETE", "ALTER"]) {
      expect(authorize([rule({ resourceName: "t", operation })], topic("t", "DESCRIBE"))).toBe(
        true,
      );
    }
    expect(
      authorize([rule({ resourceName: "t", operation: "CREATE" })], topic("t", "DESCRIBE")),
    ).toBe(false);
    expect(
      authorize([rule({ resourceName: "t", operation: "ALTER_CONFIGS" })], {
        ...topic("t", "READ"),
        operation: "DESCRIBE_CONFIGS",
      }),
    ).toBe(true);
    // An implied DESCRIBE is still refused by an explicit deny of DESCRIBE.
    expect(
      authorize(
        [
          rule({ resourceName: "t", operation: "READ" }),
          rule({ resourceName: "t", operation: "DESCRIBE", permission: "DENY" }),
        ],
        topic("t", "DESCRIBE"),
      ),
    ).toBe(false);
  });

  it("only counts host-specific rules for that host", () => {
    const rules = [rule({ resourceName: "t", operation: "READ", host: "10.0.0.1" })];
    expect(authorize(rules, topic("t", "READ"))).toBe(false);
    expect(authorize(rules, { ...topic("t", "READ"), host: "10.0.0.1" })).toBe(true);
  });

  it("keeps resource types apart", () => {
    const rules = [rule({ resourceName: "orders", operation: "READ", resourceType: "GROUP" })];
    expect(authorize(rules, topic("orders", "READ"))).toBe(false);
    expect(authorize(rules, { ...topic("orders", "READ"), resourceType: "GROUP" })).toBe(true);
  });
});

describe("effectivePermissions", () => {
  const rules = [
    rule({ resourceName: "orders.", patternType: "PREFIXED", operation: "WRITE" }),
    rule({ resourceName: "orders.audit", operation: "WRITE", permission: "DENY" }),
    rule({ resourceName: "orders.audit", operation: "READ" }),
    rule({ principal: "User:*", resourceName: "*", operation: "DESCRIBE" }),
    rule({ resourceType: "GROUP", resourceName: "billing", operation: "READ" }),
    rule({ principal: "User:bob", resourceName: "secret", operation: "ALL" }),
  ];

  it("is everything without enforcement or for a superuser", () => {
    expect(
      effectivePermissions(rules, "User:alice", { enforcement: false, superuser: false }),
    ).toEqual({ kind: "everything", reason: "enforcement_off" });
    expect(effectivePermissions([], "User:alice", { enforcement: true, superuser: true })).toEqual({
      kind: "everything",
      reason: "superuser",
    });
  });

  it("lists the operations per pattern the principal's rules name, deny winning", () => {
    const result = effectivePermissions(rules, "User:alice", {
      enforcement: true,
      superuser: false,
    });
    expect(result.kind).toBe("rules");
    const byPattern = Object.fromEntries(
      result.kind === "rules"
        ? result.permissions.map((p) => [`${p.resourceType}:${p.patternType}:${p.resourceName}`, p])
        : [],
    );
    expect(Object.keys(byPattern).sort()).toEqual([
      "GROUP:LITERAL:billing",
      "TOPIC:LITERAL:*",
      "TOPIC:LITERAL:orders.audit",
      "TOPIC:PREFIXED:orders.",
    ]);
    expect(byPattern["TOPIC:PREFIXED:orders."]).toMatchObject({
      allowed: ["WRITE", "DESCRIBE"],
      denied: [],
    });
    expect(byPattern["TOPIC:LITERAL:orders.audit"]).toMatchObject({
      allowed: ["READ", "DESCRIBE"],
      denied: ["WRITE"],
    });
    expect(byPattern["TOPIC:LITERAL:*"]).toMatchObject({ allowed: ["DESCRIBE"], denied: [] });
    expect(byPattern["GROUP:LITERAL:billing"]).toMatchObject({
      allowed: ["READ", "DESCRIBE"],
      denied: [],
    });
  });

  it("gives a principal without rules nothing", () => {
    expect(
      effectivePermissions(
        [rule({ principal: "User:bob", resourceName: "t", operation: "ALL" })],
        "User:carol",
        { enforcement: true, superuser: false },
      ),
    ).toEqual({ kind: "rules", permissions: [] });
  });
});
