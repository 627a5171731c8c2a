import type { Prisma, PrismaClient } from "@streambed/db";
import type Stripe from "stripe";
import { ensureBillingAccount } from "./account.ts";
import { billingNow } from "./clock.ts";
import { nextAttemptAfterFailure, retryPastDuePayments } from "./dunning.ts";

/**
 * Stripe webhooks: the signature is checked with the SDK (a bad or stale one changes nothing),
 * each event id is handled once (recorded in the same transaction as its effects), and payment
 * state changes only here, from what Stripe reports.
 */

export type WebhookResult = { status: 200 | 400; message: string };

export interface WebhookDeps {
  prisma: PrismaClient;
  stripe: Stripe;
  webhookSecret: string;
  wallNow: () => Date;
}

const idOf = (value: string | { id: string } | null | undefined) =>
  typeof value === "string" ? value : (value?.id ?? null);

async function organizationOfCustomer(tx: Prisma.TransactionClient, customer: string | null) {
  if (!customer) return null;
  const org = await tx.organization.findFirst({ where: { stripeCustomerId: customer } });
  return org?.id ?? null;
}

function cardLabel(pm: Stripe.PaymentMethod): string {
  return pm.card ? `${pm.card.brand} •••• ${pm.card.last4}` : pm.type;
}

async function onInvoicePaid(tx: Prisma.TransactionClient, invoice: Stripe.Invoice, now: Date) {
  const id = invoice.metadata?.streambedInvoiceId;
  if (!id) return;
  const ours = await tx.invoice.update({
    where: { id },
    data: { status: "paid", paidAt: now, nextPaymentAttemptAt: null, stripeInvoiceId: invoice.id },
  });
  const stillPastDue = await tx.invoice.count({
    where: { organizationId: ours.organizationId, status: "past_due" },
  });
  if (stillPastDue === 0)
    await tx.billingAccount.updateMany({
      where: { organizationId: ours.organizationId },
      data: { pastDueSince: null },
    });
}

async function onPaymentFailed(tx: Prisma.TransactionClient, invoice: Stripe.Invoice, now: Date) {
  const id = invoice.metadata?.streambedInvoiceId;
  if (!id) return;
  const attempts = Math.max(invoice.attempt_count, 1);
  const ours = await tx.invoice.update({
    where: { id },
    data: {
      status: "past_due",
      paymentAttempts: attempts,
      nextPaymentAttemptAt: nextAttemptAfterFailure(attempts, now),
      stripeInvoiceId: invoice.id,
    },
  });
  await tx.billingAccount.updateMany({
    where: { organizationId: ours.organizationId, pastDueSince: null },
    data: { pastDueSince: now },
  });
}

interface CardSetup {
  organizationId: string;
  paymentMethod: Stripe.PaymentMethod;
}

/** A completed setup-mode Checkout: the card it saved becomes the customer's default. */
async function readCardSetup(
  deps: WebhookDeps,
  session: Stripe.Checkout.Session,
): Promise<CardSetup | null> {
  if (session.mode !== "setup") return null;
  const intent = await deps.stripe.setupIntents.retrieve(idOf(session.setup_intent)!);
  const paymentMethod = await deps.stripe.paymentMethods.retrieve(idOf(intent.payment_method)!);
  const customer = idOf(session.customer)!;
  await deps.stripe.customers.update(customer, {
    invoice_settings: { default_payment_method: paymentMethod.id },
  });
  const organizationId = await organizationOfCustomer(deps.prisma, customer);
  return organizationId ? { organizationId, paymentMethod } : null;
}

async function applyEvent(
  tx: Prisma.TransactionClient,
  event: Stripe.Event,
  setup: CardSetup | null,
  wallNow: Date,
): Promise<void> {
  switch (event.type) {
    case "invoice.paid":
    case "invoice.payment_failed":
    case "invoice.finalized": {
      const invoice = event.data.object;
      const organizationId = await organizationOfCustomer(tx, idOf(invoice.customer));
      if (!organizationId) return;
      const now = await billingNow(tx, organizationId, wallNow);
      if (event.type === "invoice.paid") await onInvoicePaid(tx, invoice, now);
      else if (event.type === "invoice.payment_failed") await onPaymentFailed(tx, invoice, now);
      else if (invoice.metadata?.streambedInvoiceId)
        await tx.invoice.update({
          where: { id: invoice.metadata.streambedInvoiceId },
          data: { stripeInvoiceId: invoice.id },
        });
      return;
    }
    case "checkout.session.completed":
      if (!setup) return;
      await ensureBillingAccount(tx, setup.organizationId, wallNow);
      await tx.billingAccount.update({
        where: { organizationId: setup.organizationId },
        data: {
          paymentMethodId: setup.paymentMethod.id,
          paymentMethodLabel: cardLabel(setup.paymentMethod),
        },
      });
      return;
    case "payment_method.attached": {
      const pm = event.data.object;
      const organizationId = await organizationOfCustomer(tx, idOf(pm.customer));
      if (!organizationId) return;
      await ensureBillingAccount(tx, organizationId, wallNow);
      await tx.billingAccount.updateMany({
        where: { organizationId, paymentMethodId: null },
        data: { paymentMethodId: pm.id, paymentMethodLabel: cardLabel(pm) },
      });
      return;
    }
    case "payment_method.detached":
      await tx.billingAccount.updateMany({
        where: { paymentMethodId: event.data.object.id },
        data: { paymentMethodId: null, paymentMethodLabel: null },
      });
      return;
    default:
      return;
  }
}

/** Verifies, deduplicates and applies one webhook delivery. */
export async function handleStripeWebhook(
  deps: WebhookDeps,
  rawBody: string,
  signature: string | null,
): Promise<WebhookResult> {
  let event: Stripe.Event;
  try {
    event = deps.stripe.webhooks.constructEvent(rawBody, signature ?? "", deps.webhookSecret);
  } catch (err) {
    return { status: 400, message: err instanceof Error ? err.message : "bad signature" };
  }
  const { prisma, stripe } = deps;
  if (await prisma.stripeEvent.findUnique({ where: { id: event.id } }))
    return { status: 200, message: "already processed" };

  // Reads from Stripe happen before the transaction; the effects and the event id commit together.
  const setup =
    event.type === "checkout.session.completed"
      ? await readCardSetup(deps, event.data.object)
      : null;
  const applied = await prisma.$transaction(async (tx) => {
    const fresh = await tx.stripeEvent.createMany({
      data: [{ id: event.id, type: event.type }],
      skipDuplicates: true,
    });
    if (fresh.count === 0) return false;
    await applyEvent(tx, event, setup, deps.wallNow());
    return true;
  });
  if (!applied) return { status: 200, message: "already processed" };
  // A new card settles what is past due right away instead of waiting for the next retry.
  if (setup)
    await retryPastDuePayments(prisma, stripe, deps.wallNow(), {
      organizationIds: [setup.organizationId],
      ignoreSchedule: true,
    });
  return { status: 200, message: "processed" };
}
