import type { PrismaClient } from "@streambed/db";
import type Stripe from "stripe";
import { payStripeInvoice } from "../dunning.ts";
import type { InvoiceDocument } from "../invoice-document.ts";
import { Decimal, toCents } from "../money.ts";
import { lineLabel } from "../render/labels.ts";
import { ensureStripeCustomer } from "./customers.ts";

/**
 * Pushes a finalized invoice to Stripe: a Stripe invoice, one invoice item per non-zero line and
 * one for credits, finalized and (with a card on file) paid. Every call carries an idempotency key
 * derived from our invoice, so a job retried at any step bills exactly once.
 */
export async function pushInvoiceToStripe(
  prisma: PrismaClient,
  stripe: Stripe,
  invoiceId: string,
): Promise<void> {
  const invoice = await prisma.invoice.findUniqueOrThrow({
    where: { id: invoiceId },
    include: { organization: { select: { billingAccount: true } } },
  });
  if (invoice.status !== "open" || new Decimal(invoice.total.toString()).isZero()) return;
  const document = invoice.document as unknown as InvoiceDocument;
  const customer = await ensureStripeCustomer(prisma, stripe, invoice.organizationId);
  const key = (what: string) => ({ idempotencyKey: `streambed:${invoice.id}:${what}` });

  const created = await stripe.invoices.create(
    {
      customer,
      currency: "usd",
      collection_method: "charge_automatically",
      auto_advance: false,
      pending_invoice_items_behavior: "exclude",
      description: `Streambed ${invoice.number}`,
      metadata: { streambedInvoiceId: invoice.id, number: invoice.number },
    },
    key("invoice"),
  );
  const items = document.lines
    .filter((l) => !new Decimal(l.amount).isZero())
    .map((l) => ({ amount: toCents(new Decimal(l.amount)), description: lineLabel(l) }));
  if (!new Decimal(document.creditsApplied).isZero())
    items.push({
      amount: -toCents(new Decimal(document.creditsApplied)),
      description: "Credits applied",
    });
  for (const [i, item] of items.entries()) {
    await stripe.invoiceItems.create(
      { customer, invoice: created.id, currency: "usd", ...item },
      key(`item:${i}`),
    );
  }
  await stripe.invoices.finalizeInvoice(created.id, { auto_advance: false }, key("finalize"));
  // Stored only once Stripe holds the whole invoice: until then the job pushes it again, and the
  // idempotency keys return the same Stripe objects instead of new ones.
  await prisma.invoice.update({ where: { id: invoice.id }, data: { stripeInvoiceId: created.id } });
  if (invoice.organization.billingAccount?.paymentMethodId)
    await payStripeInvoice(stripe, created.id, 1);
}

/** Pushes every open invoice not yet in Stripe (the job after finalization). */
export async function pushOpenInvoices(
  prisma: PrismaClient,
  stripe: Stripe,
  organizationIds?: string[],
): Promise<void> {
  const pending = await prisma.invoice.findMany({
    where: {
      status: "open",
      stripeInvoiceId: null,
      ...(organizationIds && { organizationId: { in: organizationIds } }),
    },
    select: { id: true },
    orderBy: { finalizedAt: "asc" },
  });
  for (const { id } of pending) await pushInvoiceToStripe(prisma, stripe, id);
}
