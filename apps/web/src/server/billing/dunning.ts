import type { BillingAccount, PrismaClient } from "@streambed/db";
import type Stripe from "stripe";
import { billingNow, shiftedBy } from "./clock.ts";

/** Retries after a failed payment, in days after that failure (then only a new card retries). */
export const RETRY_DAYS = [1, 3, 5, 7] as const;
/** After this long past due no new clusters can be created (traffic and data are untouched). */
export const CLUSTER_CREATION_BLOCKED_AFTER_MS = 14 * 24 * 3_600_000;

export function nextAttemptAfterFailure(attemptCount: number, billingNow: Date): Date | null {
  const days = RETRY_DAYS[attemptCount - 1];
  return days === undefined ? null : new Date(billingNow.getTime() + days * 24 * 3_600_000);
}

export function pastDueStatus(
  account: Pick<BillingAccount, "pastDueSince"> | null,
  billingNow: Date,
) {
  const since = account?.pastDueSince ?? null;
  return {
    pastDueSince: since?.toISOString() ?? null,
    clusterCreationBlocked:
      since !== null && billingNow.getTime() - since.getTime() >= CLUSTER_CREATION_BLOCKED_AFTER_MS,
  };
}

/** The organization's past-due state in its billing time (for banners and the cluster guard). */
export async function organizationPastDue(
  prisma: PrismaClient,
  organizationId: string,
  wallNow: Date,
) {
  const now = await billingNow(prisma, organizationId, wallNow);
  const account = await prisma.billingAccount.findUnique({ where: { organizationId } });
  return { billingNow: now.toISOString(), ...pastDueStatus(account, now) };
}

/**
 * Pays every past-due invoice whose next attempt is due (in its organization's billing time), or
 * every past-due one when `ignoreSchedule` (a new card was just added).
 */
export async function retryPastDuePayments(
  prisma: PrismaClient,
  stripe: Stripe,
  wallNow: Date,
  {
    organizationIds,
    ignoreSchedule = false,
  }: { organizationIds?: string[]; ignoreSchedule?: boolean } = {},
): Promise<void> {
  const invoices = await prisma.invoice.findMany({
    where: {
      status: "past_due",
      stripeInvoiceId: { not: null },
      ...(organizationIds && { organizationId: { in: organizationIds } }),
      ...(!ignoreSchedule && { nextPaymentAttemptAt: { not: null } }),
    },
    include: { organization: { select: { billingAccount: true } } },
  });
  for (const invoice of invoices) {
    const billingNow = shiftedBy(wallNow, invoice.organization.billingAccount?.clockOffsetMs ?? 0n);
    const due =
      ignoreSchedule ||
      (invoice.nextPaymentAttemptAt !== null && invoice.nextPaymentAttemptAt <= billingNow);
    if (!due) continue;
    await payStripeInvoice(stripe, invoice.stripeInvoiceId!, invoice.paymentAttempts + 1);
  }
}

/**
 * Asks Stripe to charge the invoice. The outcome arrives as a webhook (invoice.paid or
 * invoice.payment_failed), which is what changes our state; a declined card is not an error here.
 */
export async function payStripeInvoice(stripe: Stripe, stripeInvoiceId: string, attempt: number) {
  try {
    await stripe.invoices.pay(
      stripeInvoiceId,
      {},
      { idempotencyKey: `pay:${stripeInvoiceId}:${attempt}` },
    );
  } catch (err) {
    if ((err as { type?: string }).type !== "StripeCardError") throw err;
  }
}
