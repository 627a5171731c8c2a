import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "@streambed/db/testing";
import { bucketStart } from "../src/server/usage/usage-range.ts";
import { usageExportResponse } from "../src/server/usage/usage-export.ts";
import { addMember, callerFor, contextFor, signUp, type TestUser } from "./harness.ts";
import { HOUR, seedHourlyUsage } from "./usage-fixtures.ts";

let db: TestDatabase;
let owner: TestUser;
let other: TestUser;
let payments: string;
let orders: string;
let othersCluster: string;
const huge = 2n ** 62n + 3n;
const thisHour = bucketStart(new Date(), "hour");
const yesterday = new Date(bucketStart(new Date(), "day").getTime() - 24 * HOUR);

beforeAll(async () => {
  db = await createTestDatabase(inject("postgresAdminUrl"));
  owner = await signUp(db.prisma, "owner@usage.test");
  other = await signUp(db.prisma, "other@usage.test");
  const api = callerFor(db.prisma, owner);
  payments = (await api.clusters.create({ name: "payments", region: "local" })).id;
  orders = (await api.clusters.create({ name: "orders", region: "local" })).id;
  othersCluster = (
    await callerFor(db.prisma, other).clusters.create({ name: "others", region: "local" })
  ).id;
  await seedHourlyUsage(db.prisma, owner.organizationId, [
    { clusterId: payments, dimension: "write_bytes", hourStart: thisHour, quantity: 10n },
    {
      clusterId: payments,
      dimension: "write_bytes",
      hourStart: new Date(thisHour.getTime() - HOUR),
      quantity: 20n,
    },
    { clusterId: orders, dimension: "storage_byte_hours", hourStart: thisHour, quantity: huge },
    {
      clusterId: payments,
      dimension: "read_bytes",
      hourStart: new Date(yesterday.getTime() + 3 * HOUR),
      quantity: 300n,
    },
    {
      clusterId: payments,
      dimension: "read_bytes",
      hourStart: new Date(yesterday.getTime() + 5 * HOUR),
      quantity: 45n,
    },
    {
      clusterId: payments,
      dimension: "requests",
      hourStart: new Date(thisHour.getTime() - 40 * 24 * HOUR),
      quantity: 1n,
    },
  ]);
  await seedHourlyUsage(db.prisma, other.organizationId, [
    { clusterId: othersCluster, dimension: "write_bytes", hourStart: thisHour, quantity: 999n },
  ]);
});
afterAll(() => db.drop());

describe("usage router", () => {
  it("reads one cluster's usage by hour from the hourly rollups", async () => {
    const series = await callerFor(db.prisma, owner).usage.series({
      clusterId: payments,
      range: "24h",
      granularity: "hour",
    });
    expect(series.to.getTime()).toBe(thisHour.getTime() + HOUR);
    expect(series.from.getTime()).toBe(series.to.getTime() - 24 * HOUR);
    const writes = series.rows.filter((r) => r.dimension === "write_bytes");
    expect(writes).toEqual([
      {
        clusterId: payments,
        dimension: "write_bytes",
        windowStart: new Date(thisHour.getTime() - HOUR),
        quantity: 20n,
      },
      { clusterId: payments, dimension: "write_bytes", windowStart: thisHour, quantity: 10n },
    ]);
    expect(series.rows.every((r) => r.clusterId === payments)).toBe(true);
    expect(series.clusters).toEqual([{ id: payments, name: "payments" }]);
  });

  it("sums hours into UTC days and leaves out what is outside the range", async () => {
    const series = await callerFor(db.prisma, owner).usage.series({
      range: "30d",
      granularity: "day",
    });
    expect(series.rows).toContainEqual({
      clusterId: payments,
      dimension: "read_bytes",
      windowStart: yesterday,
      quantity: 345n,
    });
    expect(series.rows).toContainEqual({
      clusterId: orders,
      dimension: "storage_byte_hours",
      windowStart: bucketStart(thisHour, "day"),
      quantity: huge,
    });
    expect(series.rows.some((r) => r.dimension === "requests")).toBe(false);
    expect(series.rows.some((r) => r.clusterId === othersCluster)).toBe(false);
  });

  it("totals the billing period so far per dimension, exactly", async () => {
    const mtd = await callerFor(db.prisma, owner).usage.monthToDate({ clusterId: orders });
    expect(mtd.from.getUTCDate()).toBe(1);
    expect(mtd.totals).toEqual([{ dimension: "storage_byte_hours", quantity: huge }]);
  });

  it("lets every role read usage, and no one read another organization's", async () => {
    const viewer = await signUp(db.prisma, "viewer@usage.test");
    await addMember(db.prisma, owner.organizationId, viewer, "readonly");
    const asViewer = callerFor(db.prisma, viewer, owner.organizationId);
    expect(
      (await asViewer.usage.monthToDate({ clusterId: payments })).totals.length,
    ).toBeGreaterThan(0);

    const asOwner = callerFor(db.prisma, owner);
    await expect(
      asOwner.usage.series({ clusterId: othersCluster, range: "24h", granularity: "hour" }),
    ).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(asOwner.usage.monthToDate({ clusterId: othersCluster })).rejects.toMatchObject({
      code: "NOT_FOUND",
    });
    await expect(
      callerFor(db.prisma, other, owner.organizationId).usage.series({
        range: "24h",
        granularity: "hour",
      }),
    ).rejects.toMatchObject({ code: "FORBIDDEN" });
    await expect(callerFor(db.prisma, null).usage.monthToDate({})).rejects.toMatchObject({
      code: "UNAUTHORIZED",
    });
  });
});

describe("usage CSV export", () => {
  it("downloads the page's rows as a named CSV file with exact quantities", async () => {
    const res = await usageExportResponse(
      contextFor(db.prisma, owner),
      new URLSearchParams({ clusterId: orders, range: "24h", granularity: "hour" }),
    );
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    expect(res.headers.get("content-disposition")).toMatch(
      /^attachment; filename="streambed-usage-orders-\d{4}-\d\d-\d\d-hour\.csv"$/,
    );
    expect((await res.text()).split("\r\n")).toEqual([
      "window_start,cluster_id,cluster_name,dimension,quantity,unit",
      `${thisHour.toISOString()},${orders},orders,storage_byte_hours,${huge},byte_hours`,
      "",
    ]);
  });

  it("refuses bad parameters, other organizations' clusters and signed-out callers", async () => {
    const params = (clusterId?: string) =>
      new URLSearchParams({ ...(clusterId && { clusterId }), range: "7d", granularity: "day" });
    const bad = await usageExportResponse(
      contextFor(db.prisma, owner),
      new URLSearchParams({ range: "1y", granularity: "day" }),
    );
    expect(bad.status).toBe(400);
    expect(
      (await usageExportResponse(contextFor(db.prisma, owner), params(othersCluster))).status,
    ).toBe(404);
    expect((await usageExportResponse(contextFor(db.prisma, null), params())).status).toBe(401);
  });
});
