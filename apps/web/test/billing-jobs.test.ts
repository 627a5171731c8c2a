import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "@streambed/db/testing";
import { startJobWorker } from "../src/server/jobs/job-worker.ts";
import { jobRegistry } from "../src/server/jobs/registry.ts";
import { addUsage, billedOrganization, TiB } from "./billing-fixtures.ts";

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase(inject("postgresAdminUrl"));
});
afterAll(async () => {
  await db.drop();
});

describe("billing in the job worker", () => {
  it("finalizes last month's invoice when the worker runs the billing cycle", async () => {
    const { prisma } = db;
    const org = await billedOrganization(prisma, "ojobs", new Date("2026-11-01T00:00:00Z"));
    await addUsage(prisma, {
      ...org,
      dimension: "write_bytes",
      hour: "2026-11-10T05:00:00Z",
      quantity: TiB,
    });
    const worker = await startJobWorker({
      databaseUrl: db.url,
      prisma,
      jobs: jobRegistry,
      log: pino({ level: "silent" }),
    });
    try {
      await worker.runNow("billing.cycle", new Date("2026-12-01T00:30:00Z"));
      expect(await prisma.invoice.count({ where: { organizationId: "ojobs" } })).toBe(0);
      await worker.runNow("billing.cycle", new Date("2026-12-01T01:05:00Z"));
      const invoices = await prisma.invoice.findMany({ where: { organizationId: "ojobs" } });
      expect(invoices.map((i) => [i.periodStart.toISOString(), i.subtotal.toString()])).toEqual([
        ["2026-11-01T00:00:00.000Z", "10.24"],
      ]);
    } finally {
      await worker.stop();
    }
  });
});
