import PgBoss from "pg-boss";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "@streambed/db/testing";
import { BILLING_CYCLE_QUEUE, registerBillingJobs } from "../src/server/billing/jobs.ts";

let db: TestDatabase;
let boss: PgBoss;
beforeAll(async () => {
  db = await createTestDatabase(inject("postgresAdminUrl"));
  boss = new PgBoss({ connectionString: db.url, schedule: false, supervise: false });
  await boss.start();
});
afterAll(async () => {
  await boss.stop({ graceful: false });
  await db.drop();
});

describe("registerBillingJobs", () => {
  it("schedules the billing cycle on its own queue with pg-boss 10", async () => {
    await registerBillingJobs(boss, { prisma: db.prisma, stripe: null });
    expect(await boss.getSchedules()).toMatchObject([
      { name: BILLING_CYCLE_QUEUE, cron: "*/5 * * * *", timezone: "UTC" },
    ]);
    expect(await boss.getQueue(BILLING_CYCLE_QUEUE)).toMatchObject({ policy: "singleton" });
  });
});
