import { Validator } from "@seriousme/openapi-schema-validator";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "@streambed/db/testing";
import { getCluster, listClusters } from "../src/server/rest-api/clusters.ts";
import type { ApiEndpoint } from "../src/server/rest-api/endpoint.ts";
import { openApiDocument } from "../src/server/rest-api/openapi.ts";
import { handleApiRequest } from "../src/server/rest-api/route-handler.ts";
import { getUsage } from "../src/server/rest-api/usage.ts";
import { callerFor, signUp, type TestUser } from "./harness.ts";
import { seedHourlyUsage } from "./usage-fixtures.ts";

let db: TestDatabase;
let alice: TestUser;
let bob: TestUser;
let aliceKey: string;
let bobKey: string;
let payments: string;
let orders: string;
let bobsCluster: string;
const huge = 2n ** 62n + 1n; // beyond 2^53: exact only as a string
const day = new Date("2026-11-05T00:00:00Z");
const at = (hours: number) => new Date(day.getTime() + hours * 3_600_000);

beforeAll(async () => {
  db = await createTestDatabase(inject("postgresAdminUrl"));
  alice = await signUp(db.prisma, "alice@rest.test");
  bob = await signUp(db.prisma, "bob@rest.test");
  const asAlice = callerFor(db.prisma, alice);
  const asBob = callerFor(db.prisma, bob);
  payments = (await asAlice.clusters.create({ name: "payments", region: "local" })).id;
  orders = (await asAlice.clusters.create({ name: "orders", region: "local" })).id;
  bobsCluster = (await asBob.clusters.create({ name: "bobs", region: "local" })).id;
  aliceKey = (await asAlice.apiKeys.create({ name: "test", role: "readonly" })).secret;
  bobKey = (await asBob.apiKeys.create({ name: "test", role: "readonly" })).secret;
  await seedHourlyUsage(db.prisma, alice.organizationId, [
    { clusterId: payments, dimension: "write_bytes", hourStart: at(1), quantity: 100n },
    { clusterId: payments, dimension: "write_bytes", hourStart: at(2), quantity: 50n },
    { clusterId: payments, dimension: "requests", hourStart: at(2), quantity: 7n },
    { clusterId: payments, dimension: "storage_byte_hours", hourStart: at(3), quantity: huge },
    { clusterId: orders, dimension: "write_bytes", hourStart: at(2), quantity: 5n },
    { clusterId: payments, dimension: "write_bytes", hourStart: at(25), quantity: 1n },
  ]);
  await seedHourlyUsage(db.prisma, bob.organizationId, [
    { clusterId: bobsCluster, dimension: "write_bytes", hourStart: at(2), quantity: 999n },
  ]);
});
afterAll(() => db.drop());

async function call(
  endpoint: ApiEndpoint,
  path: string,
  key: string | null,
  params: Record<string, string> = {},
) {
  const headers: Record<string, string> = key === null ? {} : { authorization: `Bearer ${key}` };
  const res = await handleApiRequest(
    db.prisma,
    endpoint,
    new Request(`http://localhost${path}`, { headers }),
    params,
  );
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

describe("REST API v1", () => {
  it("lists the key's organization's clusters", async () => {
    const { status, body } = await call(listClusters, "/api/v1/clusters", aliceKey);
    expect(status).toBe(200);
    expect(body.data).toEqual([
      expect.objectContaining({ id: payments, name: "payments", region: "local" }),
      expect.objectContaining({ id: orders, name: "orders" }),
    ]);
    expect((body.data as { createdAt: string }[])[0]!.createdAt).toMatch(/^\d{4}-\d\d-\d\dT/);
  });

  it("returns usage by hour and by day, quantities as exact decimal strings", async () => {
    const range = `from=${at(0).toISOString()}&to=${at(24).toISOString()}`;
    const hourly = await call(getUsage, `/api/v1/usage?clusterId=${payments}&${range}`, aliceKey);
    expect(hourly.status).toBe(200);
    expect(hourly.body.data).toEqual([
      {
        clusterId: payments,
        dimension: "write_bytes",
        windowStart: at(1).toISOString(),
        quantity: "100",
      },
      {
        clusterId: payments,
        dimension: "requests",
        windowStart: at(2).toISOString(),
        quantity: "7",
      },
      {
        clusterId: payments,
        dimension: "write_bytes",
        windowStart: at(2).toISOString(),
        quantity: "50",
      },
      {
        clusterId: payments,
        dimension: "storage_byte_hours",
        windowStart: at(3).toISOString(),
        quantity: huge.toString(),
      },
    ]);

    const daily = await call(
      getUsage,
      `/api/v1/usage?granularity=day&from=${at(0).toISOString()}&to=${at(48).toISOString()}`,
      aliceKey,
    );
    // Ordered by window, then cluster id, then dimension; cluster ids are random here.
    expect(daily.body.data).toHaveLength(5);
    expect(daily.body.data).toEqual(
      expect.arrayContaining([
        {
          clusterId: orders,
          dimension: "write_bytes",
          windowStart: at(0).toISOString(),
          quantity: "5",
        },
        {
          clusterId: payments,
          dimension: "requests",
          windowStart: at(0).toISOString(),
          quantity: "7",
        },
        {
          clusterId: payments,
          dimension: "storage_byte_hours",
          windowStart: at(0).toISOString(),
          quantity: huge.toString(),
        },
        {
          clusterId: payments,
          dimension: "write_bytes",
          windowStart: at(0).toISOString(),
          quantity: "150",
        },
        {
          clusterId: payments,
          dimension: "write_bytes",
          windowStart: at(24).toISOString(),
          quantity: "1",
        },
      ]),
    );
    // Bob's usage in the same hours never shows up in Alice's organization.
    expect(JSON.stringify(daily.body)).not.toContain(bobsCluster);
  });

  it("rounds windows to whole buckets and refuses bad or too long ones", async () => {
    const rounded = await call(
      getUsage,
      `/api/v1/usage?clusterId=${orders}&from=${new Date(at(2).getTime() + 1).toISOString()}&to=${encodeURIComponent("2026-11-05T02:30:00+00:00")}`,
      aliceKey,
    );
    expect(rounded.body.data).toEqual([expect.objectContaining({ quantity: "5" })]);
    for (const query of [
      `from=${at(5).toISOString()}&to=${at(1).toISOString()}`,
      `from=${at(0).toISOString()}&to=${at(24 * 40).toISOString()}`,
      `from=${at(0).toISOString()}&to=${at(24 * 400).toISOString()}&granularity=day`,
      "from=yesterday",
      "granularity=week",
    ]) {
      const res = await call(getUsage, `/api/v1/usage?${query}`, aliceKey);
      expect(res.status, query).toBe(400);
      expect(res.body).toEqual({
        error: { code: "invalid_request", message: expect.any(String) },
      });
    }
  });

  it("answers 404 for another organization's cluster, as for one that does not exist", async () => {
    for (const [endpoint, path, params] of [
      [getUsage, `/api/v1/usage?clusterId=${bobsCluster}`, {}],
      [getCluster, `/api/v1/clusters/${bobsCluster}`, { clusterId: bobsCluster }],
      [getCluster, "/api/v1/clusters/nope", { clusterId: "nope" }],
    ] as const) {
      const res = await call(endpoint, path, aliceKey, params);
      expect(res.status, path).toBe(404);
      expect(res.body).toEqual({ error: { code: "not_found", message: expect.any(String) } });
    }
    const own = await call(getCluster, `/api/v1/clusters/${bobsCluster}`, bobKey, {
      clusterId: bobsCluster,
    });
    expect(own.body).toMatchObject({ data: { id: bobsCluster, name: "bobs" } });
  });

  it("answers 401 without a key, with an unknown, malformed or revoked key", async () => {
    const asAlice = callerFor(db.prisma, alice);
    const revoked = await asAlice.apiKeys.create({ name: "old", role: "readonly" });
    await asAlice.apiKeys.revoke({ apiKeyId: revoked.id });
    const agentKey = (await asAlice.credentials.createAgentKey({ clusterId: payments, name: "a" }))
      .secret;
    for (const key of [null, "sbk_unknown", aliceKey.slice(0, -1), revoked.secret, agentKey]) {
      const res = await call(listClusters, "/api/v1/clusters", key);
      expect(res.status).toBe(401);
      expect(res.body).toEqual({ error: { code: "unauthorized", message: expect.any(String) } });
    }
    const basic = await handleApiRequest(
      db.prisma,
      listClusters,
      new Request("http://localhost/api/v1/clusters", { headers: { authorization: aliceKey } }),
    );
    expect(basic.status).toBe(401);
    expect(basic.headers.get("www-authenticate")).toBe("Bearer");
  });

  it("records when a key was last used", async () => {
    const row = await db.prisma.apiKey.findFirstOrThrow({
      where: { organizationId: bob.organizationId },
    });
    expect(row.lastUsedAt).toBeInstanceOf(Date);
  });
});

describe("OpenAPI document", () => {
  it("is a valid OpenAPI 3.1 document listing the clusters and usage paths", async () => {
    const document = openApiDocument();
    const result = await new Validator().validate(JSON.parse(JSON.stringify(document)));
    expect(result).toEqual({ valid: true });
    expect(document.openapi).toBe("3.1.0");
    expect(Object.keys(document.paths ?? {})).toEqual(
      expect.arrayContaining(["/api/v1/clusters", "/api/v1/usage", "/api/v1/clusters/{clusterId}"]),
    );
    expect(Object.keys(document.paths ?? {})).not.toContain("/api/v1/usage/events");
    const usage = document.paths?.["/api/v1/usage"]?.get;
    expect(usage?.parameters?.map((p) => ("name" in p ? p.name : null))).toEqual([
      "clusterId",
      "from",
      "to",
      "granularity",
    ]);
    expect(Object.keys(usage?.responses ?? {})).toEqual(["200", "400", "401", "403", "404", "429"]);
  });
});
