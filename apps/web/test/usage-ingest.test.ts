import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { usageIdempotencyKey, type UsageDimension } from "@streambed/db";
import { createTestDatabase, type TestDatabase } from "@streambed/db/testing";
import { authenticateIngest, usageIngestToken } from "../src/server/usage/ingest-auth.ts";
import { ingestUsage } from "../src/server/usage/ingest.ts";
import { callerFor, signUp, type TestUser } from "./harness.ts";

let db: TestDatabase;
let owner: TestUser;
let clusterA: string;
let clusterB: string;
let agentKeyA: string;
const now = new Date("2026-12-02T14:30:00Z");

beforeAll(async () => {
  db = await createTestDatabase(inject("postgresAdminUrl"));
  owner = await signUp(db.prisma, "owner@usage-ingest.test");
  const api = callerFor(db.prisma, owner);
  clusterA = (await api.clusters.create({ name: "orders", region: "local" })).id;
  clusterB = (await api.clusters.create({ name: "payments", region: "local" })).id;
  agentKeyA = (await api.credentials.createAgentKey({ clusterId: clusterA, name: "byoc" })).secret;
});
afterAll(() => db.drop());

function event(
  clusterId: string,
  dimension: UsageDimension,
  windowStart: string,
  quantity: string,
  source = "agent-1",
) {
  const start = new Date(windowStart);
  return {
    clusterId,
    dimension,
    windowStart: start.toISOString(),
    windowSeconds: 60,
    quantity,
    idempotencyKey: usageIdempotencyKey(clusterId, source, dimension, start),
  };
}

async function shared(body: unknown) {
  const principal = await authenticateIngest(
    db.prisma,
    `Bearer ${await usageIngestToken(db.prisma)}`,
  );
  return ingestUsage(db.prisma, principal!, body, now);
}

async function hourly(clusterId: string, dimension: UsageDimension, hour: string) {
  const row = await db.prisma.usageHourly.findUnique({
    where: { clusterId_dimension_hourStart: { clusterId, dimension, hourStart: new Date(hour) } },
  });
  return row?.quantity ?? null;
}

describe("usage ingest", () => {
  it("stores events once, takes the organization from the cluster and rolls them up by hour", async () => {
    const batch = {
      events: [
        event(clusterA, "write_bytes", "2026-12-02T13:10:00Z", "1000"),
        event(clusterA, "write_bytes", "2026-12-02T13:59:00Z", "24"),
        event(clusterA, "write_bytes", "2026-12-02T14:00:00Z", "7"),
        // Integers beyond 2^53 survive as decimal strings.
        event(clusterB, "read_bytes", "2026-12-02T13:10:00Z", "9007199254740993"),
      ],
    };
    expect(await shared(batch)).toEqual({ status: 200, body: { accepted: 4, duplicates: 0 } });
    // The same batch again (an agent resending after a lost answer) changes nothing.
    expect(await shared(batch)).toEqual({ status: 200, body: { accepted: 0, duplicates: 4 } });

    expect(await hourly(clusterA, "write_bytes", "2026-12-02T13:00:00Z")).toBe(1024n);
    expect(await hourly(clusterA, "write_bytes", "2026-12-02T14:00:00Z")).toBe(7n);
    expect(await hourly(clusterB, "read_bytes", "2026-12-02T13:00:00Z")).toBe(9007199254740993n);
    const stored = await db.prisma.usageEvent.findUniqueOrThrow({
      where: { idempotencyKey: batch.events[0]!.idempotencyKey },
    });
    expect(stored).toMatchObject({ organizationId: owner.organizationId, source: "agent-1" });
  });

  it("puts late events in the hour of their window and refuses those older than 35 days", async () => {
    const late = event(clusterA, "requests", "2026-11-20T08:15:00Z", "5");
    expect(await shared({ events: [late] })).toMatchObject({ status: 200 });
    expect(await hourly(clusterA, "requests", "2026-11-20T08:00:00Z")).toBe(5n);

    const tooLate = event(clusterA, "requests", "2026-10-27T14:00:00Z", "5");
    const refused = await shared({ events: [tooLate] });
    expect(refused.status).toBe(400);
    expect(JSON.stringify(refused.body)).toContain("older than 35 days");
  });

  it("answers 409 listing the keys resent with another payload, storing nothing of the batch", async () => {
    const original = event(clusterA, "read_bytes", "2026-12-02T12:00:00Z", "100");
    expect(await shared({ events: [original] })).toMatchObject({ status: 200 });
    const fresh = event(clusterA, "read_bytes", "2026-12-02T12:01:00Z", "50");
    const outcome = await shared({ events: [fresh, { ...original, quantity: "101" }] });
    expect(outcome).toEqual({
      status: 409,
      body: expect.objectContaining({ idempotencyKeys: [original.idempotencyKey] }),
    });
    expect(
      await db.prisma.usageEvent.findUnique({ where: { idempotencyKey: fresh.idempotencyKey } }),
    ).toBeNull();
    expect(await hourly(clusterA, "read_bytes", "2026-12-02T12:00:00Z")).toBe(100n);
  });

  it("answers 400 per event index for malformed events, storing nothing", async () => {
    const good = event(clusterA, "requests", "2026-12-02T11:00:00Z", "1");
    const outcome = await shared({
      events: [
        good,
        { ...good, dimension: "bananas" },
        { ...good, quantity: "-3" },
        { ...good, quantity: 12 },
        event(clusterA, "requests", "2026-12-02T11:00:30Z", "1"),
        { ...good, idempotencyKey: "made-up" },
        event(clusterA, "requests", "2026-12-02T14:40:00Z", "1"),
        event("no-such-cluster", "requests", "2026-12-02T11:00:00Z", "1"),
      ],
    });
    expect(outcome.status).toBe(400);
    const body = outcome.body as { events: { index: number; problems: string[] }[] };
    expect(body.events.map((e) => e.index)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(body.events[3]!.problems.join()).toContain("aligned");
    expect(
      await db.prisma.usageEvent.findUnique({ where: { idempotencyKey: good.idempotencyKey } }),
    ).toBeNull();

    const unknownCluster = await shared({
      events: [good, event("no-such-cluster", "requests", "2026-12-02T11:00:00Z", "1")],
    });
    expect(unknownCluster).toMatchObject({ status: 400, body: { events: [{ index: 1 }] } });
    expect(await shared({ events: new Array(1001).fill(good) })).toMatchObject({ status: 400 });
    expect(
      await db.prisma.usageEvent.findUnique({ where: { idempotencyKey: good.idempotencyKey } }),
    ).toBeNull();
  });

  it("lets a dedicated agent's key report its own cluster only", async () => {
    const principal = await authenticateIngest(db.prisma, `Bearer ${agentKeyA}`);
    expect(principal).toEqual({
      kind: "dedicated",
      clusterId: clusterA,
      organizationId: owner.organizationId,
    });
    const own = event(clusterA, "write_bytes", "2026-12-02T10:00:00Z", "10", "byoc-1");
    const other = event(clusterB, "write_bytes", "2026-12-02T10:00:00Z", "10", "byoc-1");
    const outcome = await ingestUsage(db.prisma, principal!, { events: [own, other] }, now);
    expect(outcome).toMatchObject({ status: 403, body: { events: [{ index: 1 }] } });
    expect(await db.prisma.usageEvent.count({ where: { source: "byoc-1" } })).toBe(0);
    expect(await ingestUsage(db.prisma, principal!, { events: [own] }, now)).toMatchObject({
      status: 200,
    });
  });

  it("refuses missing, unknown and revoked tokens", async () => {
    expect(await authenticateIngest(db.prisma, null)).toBeNull();
    expect(await authenticateIngest(db.prisma, "Bearer nope")).toBeNull();
    const api = callerFor(db.prisma, owner);
    const key = await api.credentials.createAgentKey({ clusterId: clusterB, name: "old" });
    await api.credentials.revokeAgentKey({ clusterId: clusterB, agentKeyId: key.id });
    expect(await authenticateIngest(db.prisma, `Bearer ${key.secret}`)).toBeNull();
  });

  it("answers over HTTP: 401 without a token, the outcome's status and body with one", async () => {
    process.env.DATABASE_URL = db.url;
    const { POST } = await import("../src/app/api/v1/usage/events/route.ts");
    const request = (authorization: string | null, body: string) =>
      new Request("http://localhost/api/v1/usage/events", {
        method: "POST",
        headers: authorization ? { authorization } : {},
        body,
      });
    const batch = { events: [event(clusterB, "requests", "2026-12-02T09:00:00Z", "3", "http")] };
    expect((await POST(request(null, JSON.stringify(batch)))).status).toBe(401);
    const token = `Bearer ${await usageIngestToken(db.prisma)}`;
    expect((await POST(request(token, "{not json"))).status).toBe(400);
    const response = await POST(request(token, JSON.stringify(batch)));
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ accepted: 1 });
  });
});
