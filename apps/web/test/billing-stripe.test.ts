import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, inject, it, vi } from "vitest";
import { createTestDatabase, type TestDatabase } from "@streambed/db/testing";
import { createStripe, isBillingTestMode } from "../src/server/billing/stripe/client.ts";
import { ensureStripeCustomer } from "../src/server/billing/stripe/customers.ts";
import { pushInvoiceToStripe } from "../src/server/billing/stripe/push-invoice.ts";
import {
  startStripeDouble,
  type StripeDouble,
} from "../src/server/billing/stripe-double/server.ts";
import { handleStripeWebhook } from "../src/server/billing/webhooks.ts";
import { addUsage, TiB } from "./billing-fixtures.ts";
import { callerFor, signUp, type Caller, type TestUser } from "./harness.ts";

const WEBHOOK_SECRET = "whsec_test_billing";
// The console reads its configuration once, at first use (possibly while modules load): point it
// at the double's port before anything is imported.
const doublePort = await vi.hoisted(async () => {
  const { createServer: listen } = await import("node:net");
  const probe = listen().listen(0, "127.0.0.1");
  await new Promise((r) => probe.once("listening", r));
  const { port } = probe.address() as { port: number };
  await new Promise((r) => probe.close(r));
  process.env.STRIPE_SECRET_KEY = "sk_test_streambed";
  process.env.STRIPE_WEBHOOK_SECRET = "whsec_test_billing";
  process.env.STRIPE_API_URL = `http://127.0.0.1:${port}`;
  return port;
});
let db: TestDatabase;
let double: StripeDouble;
let webhookServer: Server;
let owner: TestUser;
let api: Caller;
let stripe: NonNullable<ReturnType<typeof createStripe>>;

beforeAll(async () => {
  db = await createTestDatabase(inject("postgresAdminUrl"));
  // Our webhook endpoint's logic behind a plain HTTP server, so the double delivers for real.
  webhookServer = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      void handleStripeWebhook(
        { prisma: db.prisma, stripe, webhookSecret: WEBHOOK_SECRET, wallNow: () => new Date() },
        Buffer.concat(chunks).toString("utf8"),
        req.headers["stripe-signature"] as string,
      ).then(
        (r) => res.writeHead(r.status).end(r.message),
        (err: unknown) => res.writeHead(500).end(String(err)),
      );
    });
  });
  await new Promise<void>((r) => webhookServer.listen(0, "127.0.0.1", r));
  double = await startStripeDouble({
    webhookUrl: `http://127.0.0.1:${(webhookServer.address() as AddressInfo).port}/`,
    webhookSecret: WEBHOOK_SECRET,
    port: doublePort,
  });
  stripe = createStripe({ stripeSecretKey: "sk_test_streambed", stripeApiUrl: double.url })!;
  owner = await signUp(db.prisma, "owner@billing.test");
  api = callerFor(db.prisma, owner);
});
afterAll(async () => {
  await double.close();
  webhookServer.close();
  await db.drop();
});

async function checkout(card: string) {
  const { url } = await api.billing.addPaymentMethod();
  expect((await fetch(url)).status).toBe(200);
  const res = await fetch(url, {
    method: "POST",
    body: new URLSearchParams({ card }),
    redirect: "manual",
  });
  expect(res.status).toBe(303);
  expect(res.headers.get("location")).toBe("http://localhost:3000/billing?checkout=success");
  await double.idle();
}

describe("billing through the real Stripe SDK against the Stripe test double", () => {
  it("knows test mode from the key", () => {
    expect(isBillingTestMode({ stripeSecretKey: "sk_test_x" })).toBe(true);
    expect(isBillingTestMode({ stripeSecretKey: "sk_live_x" })).toBe(false);
  });

  it("creates one customer per organization, even when asked twice at once", async () => {
    const ids = await Promise.all([
      ensureStripeCustomer(db.prisma, stripe, owner.organizationId),
      ensureStripeCustomer(db.prisma, stripe, owner.organizationId),
    ]);
    expect(ids[0]).toMatch(/^cus_/);
    expect(ids[1]).toBe(ids[0]);
    expect(double.state.customers.size).toBe(1);
    await expect(stripe.customers.retrieve("cus_nope")).rejects.toMatchObject({
      type: "StripeInvalidRequestError",
      code: "resource_missing",
      statusCode: 404,
    });
  });

  it("goes from a declined card to past due, blocks new clusters after 14 days, and settles with a new card", async () => {
    const { prisma } = db;
    await checkout("4000 0000 0000 0341");
    expect(await api.billing.overview()).toMatchObject({ paymentMethod: "visa •••• 0341" });

    const cluster = await api.clusters.create({ name: "orders", region: "eu-west-1" });
    const now = new Date();
    const hour = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1, 5));
    await addUsage(prisma, {
      organizationId: owner.organizationId,
      clusterId: cluster.id,
      dimension: "write_bytes",
      hour: hour.toISOString(),
      quantity: 60n * TiB,
    });
    const nextMonth = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1, 2));
    await api.billing.advanceClock({ advanceTo: nextMonth.toISOString() });
    await double.idle();
    const [invoice] = await api.billing.invoices();
    expect(invoice).toMatchObject({ status: "past_due", total: "193.92" });
    const stripeInvoice = double.state.invoices.get(
      (await prisma.invoice.findUniqueOrThrow({ where: { id: invoice!.id } })).stripeInvoiceId!,
    )!;
    expect(stripeInvoice).toMatchObject({ status: "open", total: 19392, attempt_count: 1 });
    expect((await api.billing.status()).pastDueSince).not.toBeNull();
    expect((await api.billing.status()).clusterCreationBlocked).toBe(false);

    // Webhooks with a bad or stale signature change nothing.
    const processed = await prisma.stripeEvent.count();
    const last = double.events.at(-1)!;
    expect(await double.resend(last.event.id, Math.floor(Date.now() / 1000) - 3600)).toBe(400);
    const forged = await fetch(
      `http://127.0.0.1:${(webhookServer.address() as AddressInfo).port}/`,
      {
        method: "POST",
        headers: { "stripe-signature": "t=1,v1=deadbeef" },
        body: last.payload,
      },
    );
    expect(forged.status).toBe(400);
    // A replayed event is acknowledged and not applied again.
    expect(await double.resend(last.event.id)).toBe(200);
    expect(await prisma.stripeEvent.count()).toBe(processed);
    expect(
      (await prisma.invoice.findUniqueOrThrow({ where: { id: invoice!.id } })).paymentAttempts,
    ).toBe(1);

    // Dunning retries on schedule (a day later) and fails again on the same card.
    await api.billing.advanceClock({
      advanceTo: new Date(nextMonth.getTime() + 25 * 3_600_000).toISOString(),
    });
    await double.idle();
    expect(stripeInvoice.attempt_count).toBe(2);

    // 14 days past due: no new clusters; existing ones are untouched.
    await api.billing.advanceClock({
      advanceTo: new Date(nextMonth.getTime() + 15 * 24 * 3_600_000).toISOString(),
    });
    await double.idle();
    expect((await api.billing.status()).clusterCreationBlocked).toBe(true);
    await expect(api.clusters.create({ name: "more", region: "eu-west-1" })).rejects.toMatchObject({
      code: "FORBIDDEN",
    });
    await expect(
      api.billing.advanceClock({ advanceTo: nextMonth.toISOString() }),
    ).rejects.toMatchObject({ code: "BAD_REQUEST" });

    // A new card settles the invoice at once.
    await checkout("4242 4242 4242 4242");
    await double.idle();
    expect(await api.billing.invoices()).toMatchObject([{ status: "paid" }]);
    expect(stripeInvoice.status).toBe("paid");
    expect(await api.billing.status()).toMatchObject({
      pastDueSince: null,
      clusterCreationBlocked: false,
    });
    expect(await api.billing.overview()).toMatchObject({ paymentMethod: "visa •••• 4242" });

    // A card removed in Stripe is no longer shown as on file.
    const account = await prisma.billingAccount.findUniqueOrThrow({
      where: { organizationId: owner.organizationId },
    });
    await stripe.paymentMethods.detach(account.paymentMethodId!);
    await double.idle();
    expect(await api.billing.overview()).toMatchObject({ paymentMethod: null });
  });

  it("never bills twice when the push is retried", async () => {
    const { prisma } = db;
    const invoice = await prisma.invoice.findFirstOrThrow({
      where: { organizationId: owner.organizationId },
    });
    const items = double.state.invoiceItems.size;
    const invoices = double.state.invoices.size;
    // As if the job had crashed before recording the push: it runs again with the same keys.
    await prisma.invoice.update({
      where: { id: invoice.id },
      data: { status: "open", stripeInvoiceId: null },
    });
    await pushInvoiceToStripe(prisma, stripe, invoice.id);
    expect(double.state.invoiceItems.size).toBe(items);
    expect(double.state.invoices.size).toBe(invoices);
    expect(
      (await prisma.invoice.findUniqueOrThrow({ where: { id: invoice.id } })).stripeInvoiceId,
    ).toMatch(/^in_/);
  });
});
