import type { TestDatabase } from "@streambed/db/testing";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { AgentRegistry } from "../../src/cluster/agent-registry.ts";
import { PostgresMetadataStore } from "../../src/metadata/postgres/postgres-metadata-store.ts";
import { databaseForFile } from "../support/postgres-per-file.ts";

let database: { db: TestDatabase; close(): Promise<void> };
let metadata: PostgresMetadataStore;

beforeAll(async () => {
  database = await databaseForFile();
  metadata = new PostgresMetadataStore({ pool: database.db.pool });
});

afterAll(async () => {
  await metadata?.close();
  await database?.close();
});

const self = (id: string) => ({
  id,
  clusterId: null,
  host: "127.0.0.1",
  port: 9092,
  httpPort: 8080,
  zone: "default",
  roles: ["produce", "fetch"],
  version: "test",
});

describe("AgentRegistry", () => {
  it("registers, stays live by heartbeating, comes back if removed, and leaves on stop", async () => {
    const registry = new AgentRegistry({
      metadata,
      self: self("agent-live"),
      heartbeatIntervalMs: 100,
      liveWindowMs: 1500,
      cacheMs: 0,
    });
    await registry.start();
    expect((await registry.liveAgents("c1")).map((a) => a.id)).toEqual(["agent-live"]);

    // Past the live window, heartbeats keep it live.
    await new Promise((r) => setTimeout(r, 1800));
    expect((await registry.liveAgents("c1")).map((a) => a.id)).toEqual(["agent-live"]);

    await metadata.deregisterAgent("agent-live");
    await vi.waitFor(async () =>
      expect((await registry.liveAgents("c1")).map((a) => a.id)).toEqual(["agent-live"]),
    );

    await registry.stop();
    expect(await registry.liveAgents("c1")).toEqual([]);
  });

  it("drops an agent that stopped heartbeating from the live list", async () => {
    const silent = new AgentRegistry({
      metadata,
      self: self("agent-silent"),
      heartbeatIntervalMs: 60_000,
      liveWindowMs: 1000,
      cacheMs: 0,
    });
    await silent.start();
    expect((await silent.liveAgents("c1")).map((a) => a.id)).toContain("agent-silent");
    await new Promise((r) => setTimeout(r, 1200));
    expect((await silent.liveAgents("c1")).map((a) => a.id)).not.toContain("agent-silent");
    await silent.stop();
  });

  it("shows clients one agent per endpoint, itself included, so brokers and coordinators agree", async () => {
    await metadata.registerAgent({ ...self("agent-dead"), port: 9300 });
    const restarted = new AgentRegistry({
      metadata,
      self: { ...self("agent-restarted"), port: 9300 },
      heartbeatIntervalMs: 60_000,
      cacheMs: 0,
    });
    // Before its own registration is visible it still counts itself, and replaces its predecessor.
    expect((await restarted.visibleAgents("c1")).map((a) => a.id)).toContain("agent-restarted");
    await restarted.start();
    const visible = await restarted.visibleAgents("c1");
    expect(visible.filter((a) => a.port === 9300).map((a) => a.id)).toEqual(["agent-restarted"]);
    expect((await restarted.liveAgents("c1")).map((a) => a.id)).toContain("agent-dead");
    await restarted.stop();
    await metadata.deregisterAgent("agent-dead");
  });
});
