import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "@streambed/db/testing";
import { callerFor, signUp, type TestUser } from "./harness.ts";

let db: TestDatabase;
let owner: TestUser;
beforeAll(async () => {
  db = await createTestDatabase(inject("postgresAdminUrl"));
  owner = await signUp(db.prisma, "owner@clusters.test");
});
afterAll(() => db.drop());

describe("clusters router", () => {
  it("creates, lists, renames, configures and deletes a cluster, writing the audit log", async () => {
    const api = callerFor(db.prisma, owner);
    const cluster = await api.clusters.create({ name: "orders-prod", region: "eu-west-1" });
    expect(cluster).toMatchObject({
      name: "orders-prod",
      region: "eu-west-1",
      autoCreateTopics: true,
      defaultPartitions: 1,
    });

    await db.prisma.agent.create({
      data: {
        id: "agent-1",
        host: "127.0.0.1",
        port: 9092,
        httpPort: 8080,
        version: "0.1.0",
        roles: ["proxy"],
      },
    });
    const [listed] = await api.clusters.list();
    expect(listed).toMatchObject({
      id: cluster.id,
      liveAgentCount: 1,
      topicCount: 0,
      bootstrapAddress: "127.0.0.1:9092",
    });
    // Killed 20 s ago (a clean stop deregisters), and one gone for two hours.
    const silentFor = (ms: number) => ({
      host: "127.0.0.1",
      port: 9093,
      httpPort: 8081,
      version: "0.1.0",
      lastHeartbeatAt: new Date(Date.now() - ms),
    });
    await db.prisma.agent.createMany({
      data: [
        { id: "agent-killed", clusterId: cluster.id, ...silentFor(20_000) },
        { id: "agent-gone", clusterId: cluster.id, ...silentFor(2 * 3600_000) },
      ],
    });
    const detail = await api.clusters.get({ clusterId: cluster.id });
    expect(detail.agents.map((a) => a.id)).toEqual(["agent-1"]);
    expect(detail.unresponsiveAgents.map((a) => a.id)).toEqual(["agent-killed"]);

    await api.clusters.rename({ clusterId: cluster.id, name: "orders" });
    const updated = await api.clusters.updateSettings({
      clusterId: cluster.id,
      autoCreateTopics: false,
      defaultPartitions: 6,
      defaultRetentionMs: 86_400_000,
      requireSasl: true,
      deletionProtection: true,
    });
    expect(updated).toMatchObject({
      name: "orders",
      defaultPartitions: 6,
      defaultRetentionMs: 86_400_000n,
      requireSasl: true,
    });

    await expect(
      api.clusters.delete({ clusterId: cluster.id, confirmName: "orders" }),
    ).rejects.toMatchObject({ code: "PRECONDITION_FAILED" });
    await api.clusters.updateSettings({
      ...updated,
      clusterId: cluster.id,
      defaultRetentionMs: -1,
      deletionProtection: false,
    });
    await expect(
      api.clusters.delete({ clusterId: cluster.id, confirmName: "wrong" }),
    ).rejects.toMatchObject({ code: "BAD_REQUEST" });
    await api.clusters.delete({ clusterId: cluster.id, confirmName: "orders" });
    expect(await api.clusters.list()).toEqual([]);
    await expect(api.clusters.get({ clusterId: cluster.id })).rejects.toMatchObject({
      code: "NOT_FOUND",
    });
    // The name is free again.
    await api.clusters.create({ name: "orders", region: "local" });

    const { entries } = await api.audit.list({});
    expect(entries.map((e) => e.action)).toEqual(
      expect.arrayContaining([
        "cluster.created",
        "cluster.renamed",
        "cluster.settings_changed",
        "cluster.deleted",
      ]),
    );
    expect(entries[0]).toMatchObject({ actorEmail: owner.email });
  });

  it("rejects invalid input with field errors", async () => {
    const api = callerFor(db.prisma, owner);
    const err = await api.clusters
      .create({ name: "X", region: "mars-1" as "local" })
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ code: "BAD_REQUEST" });
    const { z, ZodError } = await import("zod");
    const cause = (err as { cause: unknown }).cause;
    expect(cause).toBeInstanceOf(ZodError);
    expect(
      Object.keys(z.flattenError(cause as InstanceType<typeof ZodError>).fieldErrors).sort(),
    ).toEqual(["name", "region"]);
  });

  it("refuses a duplicate name in the same organization", async () => {
    const api = callerFor(db.prisma, owner);
    await api.clusters.create({ name: "dup-name", region: "local" });
    await expect(api.clusters.create({ name: "dup-name", region: "local" })).rejects.toMatchObject({
      code: "CONFLICT",
    });
  });
});
