import { describe, expect, it } from "vitest";
import { roleAllows } from "./roles.ts";

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
