import type { PrismaClient } from "@streambed/db";
import type PgBoss from "pg-boss";
import type Stripe from "stripe";
import { retryPastDuePayments } from "./dunning.ts";
import { finalizeDueInvoices } from "./finalization.ts";
import { upcomingInvoice } from "./invoices.ts";
import { monthStart } from "./periods.ts";
import { checkSpendAlert } from "./spend-alert.ts";
import { pushOpenInvoices } from "./stripe/push-invoice.ts";

export interface BillingJobDeps {
  prisma: PrismaClient;
  /** Null when Stripe is not configured: invoices are then finalized locally only. */
  stripe: Stripe | null;
}

/** Raises spend alerts of organizations that set a threshold, even when nobody looks at billing. */
export async function checkSpendAlerts(
  prisma: PrismaClient,
  wallNow: Date,
  organizationIds?: string[],
): Promise<void> {
  const watched = await prisma.billingAccount.findMany({
    where: {
      spendAlertThreshold: { not: null },
      ...(organizationIds && { organizationId: { in: organizationIds } }),
    },
    select: { organizationId: true },
  });
  for (const { organizationId } of watched) {
    const upcoming = await upcomingInvoice(prisma, organizationId, wallNow);
    const period = monthStart(new Date(upcoming.billingNow));
    await checkSpendAlert(prisma, organizationId, period, upcoming.document.subtotal);
  }
}

/**
 * One pass of billing: finalize what is due, raise spend alerts, push open invoices to Stripe
 * (paying them when a card is on file), retry past-due payments whose time has come. Each step is
 * safe to repeat.
 */
export async function runBillingCycle(
  deps: BillingJobDeps,
  wallNow: Date,
  organizationIds?: string[],
): Promise<void> {
  await finalizeDueInvoices(deps.prisma, wallNow, { organizationIds });
  await checkSpendAlerts(deps.prisma, wallNow, organizationIds);
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
