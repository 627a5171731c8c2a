import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "@streambed/db/testing";
import { finalizeInvoice } from "../src/server/billing/invoices.ts";
import { advanceTestClockEndpoint } from "../src/server/rest-api/billing.ts";
import type { ApiEndpoint } from "../src/server/rest-api/endpoint.ts";
import {
  getInvoiceEndpoint,
  listInvoicesEndpoint,
  upcomingInvoiceEndpoint,
} from "../src/server/rest-api/invoices.ts";
import { openApiDocument } from "../src/server/rest-api/openapi.ts";
import { handleApiRequest } from "../src/server/rest-api/route-handler.ts";
import { TiB } from "./billing-fixtures.ts";
import { callerFor, signUp, type TestUser } from "./harness.ts";
import { seedHourlyUsage } from "./usage-fixtures.ts";

let db: TestDatabase;
let alice: TestUser;
let billingKey: string;
let readonlyKey: string;
let bobKey: string;
let invoiceId: string;

beforeAll(async () => {
  db = await createTestDatabase(inject("postgresAdminUrl"));
  alice = await signUp(db.prisma, "alice@invoices.test");
  const bob = await signUp(db.prisma, "bob@invoices.test");
  const asAlice = callerFor(db.prisma, alice);
  const cluster = (await asAlice.clusters.create({ name: "payments", region: "local" })).id;
  billingKey = (await asAlice.apiKeys.create({ name: "finance", role: "billing" })).secret;
  readonlyKey = (await asAlice.apiKeys.create({ name: "dashboards", role: "readonly" })).secret;
  bobKey = (await callerFor(db.prisma, bob).apiKeys.create({ name: "bob", role: "owner" })).secret;
  await seedHourlyUsage(db.prisma, alice.organizationId, [
    {
      clusterId: cluster,
      dimension: "write_bytes",
      hourStart: new Date("2026-11-10T05:00:00Z"),
      quantity: TiB,
    },
    // One byte this month: its exact amounts are far below a cent.
    {
      clusterId: cluster,
      dimension: "write_bytes",
      hourStart: new Date(Math.floor(Date.now() / 3_600_000) * 3_600_000),
      quantity: 1n,
    },
  ]);
  const invoice = await finalizeInvoice(
    db.prisma,
    alice.organizationId,
    new Date("2026-11-01T00:00:00Z"),
    new Date("2026-12-01T01:00:00Z"),
  );
  invoiceId = invoice.id;
});
afterAll(() => db.drop());

async function call(
  endpoint: ApiEndpoint,
  key: string,
  params: Record<string, string> = {},
  body?: string,
) {
  const res = await handleApiRequest(
    db.prisma,
    endpoint,
    new Request(`http://localhost${endpoint.path}`, {
      method: endpoint.method.toUpperCase(),
      headers: { authorization: `Bearer ${key}` },
      body,
    }),
    params,
  );
  const answer = (await res.json()) as { data: Record<string, unknown> };
  // What is sent is what the OpenAPI document promises.
  if (res.status === 200) expect(endpoint.response.safeParse(answer).error).toBeUndefined();
  return { status: res.status, body: answer };
}

describe("REST API v1 invoices and the test clock", () => {
  it("lists finalized invoices with decimal-string totals", async () => {
    const { status, body } = await call(listInvoicesEndpoint, billingKey);
    expect(status).toBe(200);
    expect(body.data).toEqual([
      expect.objectContaining({
        id: invoiceId,
        number: expect.stringMatching(/^SB-2026-\d{6}$/),
        // New organizations' starting credits cover it: nothing to pay.
        status: "paid",
        currency: "usd",
        periodStart: "2026-11-01T00:00:00.000Z",
        subtotal: "10.24",
        creditsApplied: "10.24",
        total: "0.00",
      }),
    ]);
  });

  it("returns one invoice with its lines and tiers", async () => {
    const { status, body } = await call(getInvoiceEndpoint, billingKey, { invoiceId });
    expect(status).toBe(200);
    expect(body.data).toMatchObject({ id: invoiceId, contentHash: expect.any(String) });
    expect(body.data.lines).toEqual([
      expect.objectContaining({
        kind: "usage",
        dimension: "write_bytes",
        unit: "GiB",
        quantity: "1024",
        meteredQuantity: String(TiB),
        amount: "10.24",
      }),
    ]);
  });

  it("returns the running month's draft and its forecast", async () => {
    const { status, body } = await call(upcomingInvoiceEndpoint, billingKey);
    expect(status).toBe(200);
    expect(body.data).toMatchObject({
      status: "draft",
      currency: "usd",
      forecast: { total: expect.stringMatching(/^\d+\.\d{2}$/) },
    });
    expect(body.data.lines).toEqual([
      expect.objectContaining({ quantity: "0.000000000931322574615478515625", amount: "0.00" }),
    ]);
  });

  it("answers 404 for another organization's invoice and 403 to a key without billing access", async () => {
    const foreign = await call(getInvoiceEndpoint, bobKey, { invoiceId });
    const missing = await call(getInvoiceEndpoint, bobKey, { invoiceId: "nope" });
    for (const answer of [foreign, missing]) {
      expect(answer).toMatchObject({ status: 404, body: { error: { code: "not_found" } } });
    }
    expect((await call(listInvoicesEndpoint, readonlyKey)).status).toBe(403);
  });

  it("documents the invoice paths in the OpenAPI document", () => {
    expect(Object.keys(openApiDocument().paths ?? {})).toEqual(
      expect.arrayContaining([
        "/api/v1/invoices",
        "/api/v1/invoices/upcoming",
        "/api/v1/invoices/{invoiceId}",
        "/api/v1/billing/test-clock",
      ]),
    );
  });

  it("advances the organization's test clock forward only, finalizing what falls due", async () => {
    const advance = (key: string, body: string) => call(advanceTestClockEndpoint, key, {}, body);
    const moved = await advance(billingKey, JSON.stringify({ advanceTo: "2027-01-01T02:00:00Z" }));
    expect(moved).toEqual({ status: 200, body: { billingNow: "2027-01-01T02:00:00.000Z" } });
    const invoices = (await call(listInvoicesEndpoint, billingKey)).body.data as unknown as {
      periodStart: string;
    }[];
    expect(invoices[0]!.periodStart).toBe("2026-12-01T00:00:00.000Z");
    const back = await advance(billingKey, JSON.stringify({ advanceTo: "2026-12-15T00:00:00Z" }));
    expect(back).toMatchObject({ status: 400, body: { error: { code: "invalid_request" } } });
    expect((await advance(billingKey, "not json")).status).toBe(400);
    expect((await advance(billingKey, JSON.stringify({ advanceTo: "soon" }))).status).toBe(400);
    expect(
      (await advance(readonlyKey, JSON.stringify({ advanceTo: "2028-01-01T00:00:00Z" }))).status,
    ).toBe(403);
    expect(
      await db.prisma.auditLog.count({
        where: { organizationId: alice.organizationId, action: "billing.clock_advanced" },
      }),
    ).toBe(1);
  });
});
