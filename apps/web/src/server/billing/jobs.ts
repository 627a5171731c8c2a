import type { PrismaClient } from "@streambed/db";
import type PgBoss from "pg-boss";
import type Stripe from "stripe";
import { retryPastDuePayments } from "./dunning.ts";
import { finalizeDueInvoices } from "./finalization.ts";
import { pushOpenInvoices } from "./stripe/push-invoice.ts";

export interface BillingJobDeps {
  prisma: PrismaClient;
  /** Null when Stripe is not configured: invoices are then finalized locally only. */
  stripe: Stripe | null;
}

/**
 * One pass of billing: finalize what is due, push open invoices to Stripe (paying them when a card
 * is on file), retry past-due payments whose time has come. Each step is safe to repeat.
 */
export async function runBillingCycle(
  deps: BillingJobDeps,
  wallNow: Date,
  organizationIds?: string[],
): Promise<void> {
  await finalizeDueInvoices(deps.prisma, wallNow, { organizationIds });
  if (!deps.stripe) return;
  await pushOpenInvoices(deps.prisma, deps.stripe, organizationIds);
  await retryPastDuePayments(deps.prisma, deps.stripe, wallNow, { organizationIds });
}

export const BILLING_CYCLE_QUEUE = "billing-cycle";

/**
 * Registers the billing cycle with the worker process's pg-boss: every 5 minutes (finalization
 * waits for the grace hour anyway; a singleton key keeps runs from overlapping).
 */
export async function registerBillingJobs(boss: PgBoss, deps: BillingJobDeps): Promise<void> {
  await boss.createQueue(BILLING_CYCLE_QUEUE, { name: BILLING_CYCLE_QUEUE, policy: "singleton" });
  await boss.schedule(BILLING_CYCLE_QUEUE, "*/5 * * * *", {}, { tz: "UTC" });
  await boss.work(BILLING_CYCLE_QUEUE, async () => {
    await runBillingCycle(deps, new Date());
  });
}
