import { describe, expect, it } from "vitest";
import { agentsInZone, zoneFromClientId } from "./agent-registry.ts";
import { groupCoordinator, ownerOf, partitionLeader } from "./ownership.ts";

const agents = ["agent-c", "agent-a", "agent-b"].map((id) => ({
  id,
  zone: id === "agent-c" ? "z2" : "z1",
}));

describe("ownership", () => {
  it("picks the same owner whatever order the live agents are listed in", () => {
    for (let p = 0; p < 50; p++) {
      const leader = partitionLeader("7f1c0d34-0000-4000-8000-000000000001", p, agents);
      expect(
        partitionLeader("7f1c0d34-0000-4000-8000-000000000001", p, [...agents].reverse()),
      ).toBe(leader);
    }
    expect(ownerOf("anything", [])).toBeUndefined();
  });

  it("spreads partitions over all agents and moves few when an agent leaves", () => {
    const leaders = Array.from({ length: 300 }, (_, p) => partitionLeader("topic", p, agents)!.id);
    for (const a of agents) expect(leaders.filter((l) => l === a.id).length).toBeGreaterThan(60);
    // Removing the last agent in id order only moves the partitions it led.
    const fewer = agents.filter((a) => a.id !== "agent-c");
    leaders.forEach((leader, p) => {
      if (leader !== "agent-c") expect(partitionLeader("topic", p, fewer)!.id).toBe(leader);
    });
  });

  it("keys group coordinators by cluster and group", () => {
    expect(groupCoordinator("c1", "g", agents)).toBe(
      groupCoordinator("c1", "g", [...agents].reverse()),
    );
    const owners = new Set(
      Array.from({ length: 30 }, (_, i) => groupCoordinator("c1", `group-${i}`, agents)!.id),
    );
    expect(owners.size).toBe(3);
  });
});

describe("zones", () => {
  it("reads ws_az from a client id and filters agents, falling back to all", () => {
    expect(zoneFromClientId("my-app,ws_az=us-east-1a")).toBe("us-east-1a");
    expect(zoneFromClientId("ws_az=z2")).toBe("z2");
    expect(zoneFromClientId("my-app")).toBeUndefined();
    expect(zoneFromClientId(null)).toBeUndefined();
    expect(agentsInZone(agents, "z2").map((a) => a.id)).toEqual(["agent-c"]);
    expect(agentsInZone(agents, "nowhere")).toHaveLength(3);
    expect(agentsInZone(agents, undefined)).toHaveLength(3);
  });
});
