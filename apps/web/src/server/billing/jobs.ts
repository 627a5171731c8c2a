import type { PrismaClient } from "@streambed/db";
import type { JobDefinition } from "../jobs/job-definition.ts";
import type Stripe from "stripe";
import { retryPastDuePayments } from "./dunning.ts";
import { finalizeDueInvoices } from "./finalization.ts";
import { upcomingInvoice } from "./invoices.ts";
import { monthStart } from "./periods.ts";
import { checkSpendAlert } from "./spend-alert.ts";
import { stripe } from "./stripe/client.ts";
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

/**
 * The billing cycle in the control plane's job worker, every 5 minutes: finalization waits for
 * the grace hour anyway, and each step is safe to repeat.
 */
export const billingJobs: JobDefinition[] = [
  {
    name: "billing.cycle",
    description:
      "finalize due invoices, raise spend alerts, push open invoices to Stripe, retry past-due payments",
    cron: "*/5 * * * *",
    run: ({ prisma, now }) => runBillingCycle({ prisma, stripe: stripe() }, now),
  },
];
