import { randomBytes } from "node:crypto";
import { connect } from "node:net";
import { hashAgentKey } from "@streambed/db";
import { createTestDatabase, type TestDatabase } from "@streambed/db/testing";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { startAgent, type RunningAgent } from "../src/agent.ts";
import { parseConfig } from "../src/config.ts";
import { createTopic } from "./support/kafkajs-admin.ts";
import { tempBucket } from "./support/test-agents.ts";

let db: TestDatabase;
let bucket: Awaited<ReturnType<typeof tempBucket>>;
const clusters: Record<"live" | "deleted", string> = { live: "", deleted: "" };

beforeAll(async () => {
  db = await createTestDatabase(inject("postgresAdminUrl"));
  bucket = await tempBucket();
  const org = await db.prisma.organization.create({ data: { name: "Acme", slug: "acme" } });
  clusters.live = (
    await db.prisma.virtualCluster.create({
      data: { organizationId: org.id, name: "prod", region: "local" },
    })
  ).id;
  clusters.deleted = (
    await db.prisma.virtualCluster.create({
      data: { organizationId: org.id, name: "old", region: "local", deletedAt: new Date() },
    })
  ).id;
});

afterAll(async () => {
  await db?.drop();
  await bucket?.remove();
});

/** A key as the console makes it: the secret for the agent, its hash in agent_keys. */
async function agentKey(clusterId: string, revoked = false): Promise<string> {
  const secret = `sbak_${randomBytes(30).toString("base64url")}`;
  await db.prisma.agentKey.create({
    data: {
      clusterId,
      name: "k",
      keyPrefix: secret.slice(0, 12),
      keyHash: hashAgentKey(secret),
      revokedAt: revoked ? new Date() : null,
    },
  });
  return secret;
}

function start(flags: string[]): Promise<RunningAgent> {
  const parsed = parseConfig(
    [
      "--database-url",
      db.url,
      "--bucket-url",
      bucket.url,
      "--kafka-port",
      "0",
      "--http-port",
      "0",
      ...flags,
    ],
    {},
  );
  if (parsed.help) throw new Error("unreachable");
  return startAgent(parsed.config, pino({ level: "silent" }), { agentKeyCheckIntervalMs: 100 });
}

/** Whether anything accepts connections on the port. */
function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, "127.0.0.1");
    socket.once("connect", () => (socket.destroy(), resolve(true)));
    socket.once("error", () => resolve(false));
  });
}

describe("--agent-key", () => {
  it("makes a dedicated agent of the key's cluster, its default for connections without SASL, and marks the key used", async () => {
    const secret = await agentKey(clusters.live);
    const agent = await start(["--agent-key", secret]);
    try {
      const { rows } = await db.pool.query<{ cluster_id: string }>(
        "SELECT cluster_id FROM agents WHERE id = $1",
        [agent.id],
      );
      expect(rows).toEqual([{ cluster_id: clusters.live }]);
      await createTopic(`127.0.0.1:${agent.kafkaPort}`, "orders", 1);
      expect(await db.prisma.topic.findMany({ select: { clusterId: true, name: true } })).toEqual([
        { clusterId: clusters.live, name: "orders" },
      ]);
      expect(
        (await db.prisma.agentKey.findFirstOrThrow({ where: { keyHash: hashAgentKey(secret) } }))
          .lastUsedAt,
      ).not.toBeNull();
    } finally {
      await agent.stop();
    }
  });

  it.each([
    [
      "revoked",
      (secret: string) =>
        db.prisma.agentKey.updateMany({
          where: { keyHash: hashAgentKey(secret) },
          data: { revokedAt: new Date() },
        }),
      /revoked/,
    ],
    [
      "its cluster deleted",
      () =>
        db.prisma.virtualCluster.update({
          where: { id: clusters.live },
          data: { deletedAt: new Date() },
        }),
      /was deleted/,
    ],
  ] as const)(
    "stops serving, gracefully, once its key is %s while it runs",
    async (_, invalidate, reason) => {
      const secret = await agentKey(clusters.live);
      const agent = await start(["--agent-key", secret]);
      const bootstrap = `127.0.0.1:${agent.kafkaPort}`;
      try {
        await createTopic(bootstrap, `t-${agent.id}`, 1);
        let stoppedEarly = false;
        void agent.stoppedBy.then(() => (stoppedEarly = true));
        await new Promise((r) => setTimeout(r, 300));
        // A valid key keeps the agent serving across checks.
        expect(stoppedEarly).toBe(false);
        await invalidate(secret);
        expect((await agent.stoppedBy).message).toMatch(reason);
        expect(await listening(agent.kafkaPort)).toBe(false);
        // Deregistered: no longer a broker in anyone's Metadata.
        expect(await db.prisma.agent.count({ where: { id: agent.id } })).toBe(0);
      } finally {
        await agent.stop();
        await db.prisma.virtualCluster.update({
          where: { id: clusters.live },
          data: { deletedAt: null },
        });
      }
    },
  );

  it("refuses to start with an unknown or revoked key, a deleted cluster's key, or another --cluster-id", async () => {
    await expect(start(["--agent-key", "sbak_not-a-key"])).rejects.toThrow(
      /agent key is not known/,
    );
    await expect(start(["--agent-key", await agentKey(clusters.live, true)])).rejects.toThrow(
      /revoked/,
    );
    await expect(start(["--agent-key", await agentKey(clusters.deleted)])).rejects.toThrow(
      /was deleted/,
    );
    await expect(
      start(["--agent-key", await agentKey(clusters.live), "--cluster-id", "someone-else"]),
    ).rejects.toThrow(/--cluster-id someone-else is not the agent key's cluster/);
    // Nothing was registered by the agents that did not start.
    expect(await db.prisma.agent.count()).toBe(0);
  });
});
