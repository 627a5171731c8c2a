import { describe, expect, it } from "vitest";
import { agentsWithRole, servesClients } from "./roles.ts";

describe("agent roles", () => {
  const writer = { id: "w", roles: ["produce", "groups"] };
  const reader = { id: "r", roles: ["fetch"] };
  const jobs = { id: "j", roles: ["jobs"] };

  it("picks the holders of a role, or everyone when nobody holds it", () => {
    expect(agentsWithRole([writer, reader, jobs], "produce")).toEqual([writer]);
    expect(agentsWithRole([reader, jobs], "produce")).toEqual([reader, jobs]);
  });

  it("hides jobs-only agents from clients", () => {
    expect([writer, reader, jobs].filter(servesClients)).toEqual([writer, reader]);
  });
});
