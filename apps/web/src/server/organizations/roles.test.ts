import { describe, expect, it } from "vitest";
import { roleAllows, roleWithin } from "./roles.ts";

describe("roleAllows", () => {
  it("lets every role read and only owner/admin/member write", () => {
    for (const role of ["owner", "admin", "member", "billing", "readonly"])
      expect(roleAllows(role, "read")).toBe(true);
    expect(
      ["owner", "admin", "member", "billing", "readonly"].filter((r) => roleAllows(r, "write")),
    ).toEqual(["owner", "admin", "member"]);
    expect(
      ["owner", "admin", "member", "billing", "readonly"].filter((r) => roleAllows(r, "manage")),
    ).toEqual(["owner", "admin"]);
  });

  it("refuses unknown roles", () => {
    expect(roleAllows("superuser", "read")).toBe(false);
  });
});

describe("roleWithin", () => {
  it("lets a holder hand out only roles whose access they have themselves", () => {
    expect(roleWithin("owner", "owner")).toBe(true);
    expect(roleWithin("owner", "admin")).toBe(false);
    expect(roleWithin("billing", "admin")).toBe(false);
    expect(roleWithin("member", "admin")).toBe(true);
    expect(roleWithin("readonly", "billing")).toBe(true);
    expect(roleWithin("readonly", "superuser")).toBe(false);
  });
});
