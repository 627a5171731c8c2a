import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "@streambed/db/testing";
import { grantCredits } from "../src/server/billing/account.ts";
import { finalizeInvoice } from "../src/server/billing/invoices.ts";
import { checkSpendAlerts } from "../src/server/billing/jobs.ts";
import { addUsage, TiB } from "./billing-fixtures.ts";
import { addMember, callerFor, signUp, type TestUser } from "./harness.ts";

let db: TestDatabase;
let owner: TestUser;
beforeAll(async () => {
  db = await createTestDatabase(inject("postgresAdminUrl"));
  owner = await signUp(db.prisma, "owner@billing-console.test");
});
afterAll(() => db.drop());

describe("billing router", () => {
  it("lets owners and billing members in, and everyone else only see the banners", async () => {
    const roles = ["billing", "admin", "member", "readonly"] as const;
    for (const role of roles) {
      const user = await signUp(db.prisma, `${role}@billing-console.test`);
      await addMember(db.prisma, owner.organizationId, user, role);
      const api = callerFor(db.prisma, user, owner.organizationId);
      expect(await api.billing.status()).toMatchObject({ testMode: true, pastDueSince: null });
      if (role === "billing") await expect(api.billing.overview()).resolves.toBeTruthy();
      else await expect(api.billing.invoices()).rejects.toMatchObject({ code: "FORBIDDEN" });
    }
    // Another organization's invoice or cluster is not found, not forbidden.
    const stranger = await signUp(db.prisma, "stranger@billing-console.test");
    const cluster = await callerFor(db.prisma, owner).clusters.create({
      name: "private",
      region: "eu-west-1",
    });
    const invoice = await finalizeInvoice(
      db.prisma,
      owner.organizationId,
      new Date("2020-01-01T00:00:00Z"),
      new Date(),
    );
    const strangerApi = callerFor(db.prisma, stranger);
    await expect(strangerApi.billing.invoice({ id: invoice.id })).rejects.toMatchObject({
      code: "NOT_FOUND",
    });
    await expect(strangerApi.billing.clusterCost({ clusterId: cluster.id })).rejects.toMatchObject({
      code: "NOT_FOUND",
    });
  });

  it("raises a spend alert once per period, with an audit entry", async () => {
    const api = callerFor(db.prisma, owner);
    const cluster = await api.clusters.create({ name: "metered", region: "eu-west-1" });
    await api.billing.setSpendAlert({ threshold: "5" });
    await expect(api.billing.setSpendAlert({ threshold: "-1" })).rejects.toMatchObject({
      code: "BAD_REQUEST",
    });
    expect((await api.billing.overview()).spendAlert).toEqual({
      threshold: "5.00",
      crossed: false,
    });
    const now = new Date();
    await addUsage(db.prisma, {
      organizationId: owner.organizationId,
      clusterId: cluster.id,
      dimension: "write_bytes",
      hour: new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1)).toISOString(),
      quantity: TiB, // $10.24
    });
    await checkSpendAlerts(db.prisma, new Date());
    expect((await api.billing.overview()).spendAlert).toEqual({ threshold: "5.00", crossed: true });
    const alerts = await db.prisma.auditLog.findMany({
      where: { organizationId: owner.organizationId, action: "billing.spend_alert" },
    });
    expect(alerts).toHaveLength(1);
    expect(alerts[0]!.metadata).toMatchObject({ threshold: "5", estimate: "10.24" });

    const cost = await api.billing.clusterCost({ clusterId: cluster.id });
    expect(cost).toMatchObject({
      traffic: { writtenGiB: "1024", readGiB: "0", storedGiBMonths: "0" },
      streambedCost: "10.24",
    });
  });

  it("adds promotional credits to the starting credits", async () => {
    const before = (await callerFor(db.prisma, owner).billing.overview()).creditBalance;
    await grantCredits(db.prisma, owner.organizationId, "50.5", "promotion:launch");
    await expect(grantCredits(db.prisma, owner.organizationId, "0", "nothing")).rejects.toThrow();
    const after = (await callerFor(db.prisma, owner).billing.overview()).creditBalance;
    expect([before, after]).toEqual(["400.00", "450.50"]);
  });

  it("refuses to move the billing clock back", async () => {
    const api = callerFor(db.prisma, owner);
    const later = new Date(Date.now() + 86_400_000).toISOString();
    expect((await api.billing.advanceClock({ advanceTo: later })).billingNow).toBe(later);
    await expect(
      api.billing.advanceClock({ advanceTo: new Date().toISOString() }),
    ).rejects.toMatchObject({ code: "BAD_REQUEST" });
  });
});
