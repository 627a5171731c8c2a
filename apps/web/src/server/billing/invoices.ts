import type { Invoice, Prisma, PrismaClient } from "@streambed/db";
import { creditBalance, ensureBillingAccount } from "./account.ts";
import { billingNow } from "./clock.ts";
import {
  buildInvoiceDocument,
  contentHash,
  type DocumentInput,
  type InvoiceDocument,
} from "./invoice-document.ts";
import { Decimal, ZERO, moneyString } from "./money.ts";
import { nextInvoiceNumber } from "./numbering.ts";
import { monthStart, nextMonth } from "./periods.ts";
import { clusterNames, monthlyUsage } from "./usage.ts";

export type InvoiceStatus = "open" | "paid" | "past_due" | "void";

/** Everything the invoice for `periodStart` is built from, as of now. */
async function documentInput(
  tx: Prisma.TransactionClient,
  organizationId: string,
  periodStart: Date,
): Promise<DocumentInput> {
  const [organization, finalized, names, credits] = await Promise.all([
    tx.organization.findUniqueOrThrow({
      where: { id: organizationId },
      select: { id: true, name: true },
    }),
    tx.invoice.findMany({
      where: { organizationId, periodStart: { lt: periodStart } },
      select: { periodStart: true, document: true },
      orderBy: { periodStart: "asc" },
    }),
    clusterNames(tx, organizationId),
    creditBalance(tx, organizationId),
  ]);
  const finalizedMonths = finalized.map((i) => i.periodStart);
  return {
    organization,
    periodStart,
    usage: await monthlyUsage(
      tx,
      organizationId,
      finalizedMonths[0] ?? periodStart,
      nextMonth(periodStart),
    ),
    billedLines: finalized.flatMap((i) => (i.document as unknown as InvoiceDocument).lines),
    finalizedMonths,
    clusterNames: names,
    creditBalance: credits,
  };
}

/**
 * Finalizes the organization's invoice for `periodStart` (once: a second call returns the stored
 * invoice unchanged). Runs under a per-organization advisory lock so its months are finalized one
 * at a time and adjustments see every earlier invoice; the number is taken last, so concurrent
 * finalizations of other organizations wait on the counter only briefly.
 */
export async function finalizeInvoice(
  prisma: PrismaClient,
  organizationId: string,
  periodStart: Date,
  finalizedAt: Date,
): Promise<Invoice> {
  return prisma.$transaction(
    async (tx) => {
      await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${organizationId}))`;
      const existing = await tx.invoice.findUnique({
        where: { organizationId_periodStart: { organizationId, periodStart } },
      });
      if (existing) return existing;
      await ensureBillingAccount(tx, organizationId, finalizedAt);
      const document = buildInvoiceDocument(await documentInput(tx, organizationId, periodStart));
      const number = await nextInvoiceNumber(tx, periodStart.getUTCFullYear());
      const settled = new Decimal(document.total).isZero();
      const invoice = await tx.invoice.create({
        data: {
          organizationId,
          number,
          periodStart,
          periodEnd: nextMonth(periodStart),
          status: settled ? "paid" : "open",
          priceBookVersion: document.priceBookVersion,
          document: document as unknown as Prisma.InputJsonObject,
          subtotal: document.subtotal,
          creditsApplied: document.creditsApplied,
          total: document.total,
          contentHash: contentHash(number, document),
          finalizedAt,
          paidAt: settled ? finalizedAt : null,
        },
      });
      if (new Decimal(document.creditsApplied).gt(ZERO)) {
        await tx.creditEntry.create({
          data: {
            organizationId,
            amount: new Decimal(document.creditsApplied).neg().toString(),
            reason: "applied",
            invoiceId: invoice.id,
          },
        });
      }
      return invoice;
    },
    { timeout: 30_000, maxWait: 30_000 },
  );
}

export interface UpcomingInvoice {
  billingNow: string;
  document: InvoiceDocument;
  /** The period's usage extrapolated linearly to the end of the month, then rated. */
  forecast: { subtotal: string; creditsApplied: string; total: string };
}

/** The live draft of the current period (the estimate) and its forecast to month end. */
export async function upcomingInvoice(
  prisma: PrismaClient,
  organizationId: string,
  wallNow: Date,
): Promise<UpcomingInvoice> {
  await prisma.$transaction((tx) => ensureBillingAccount(tx, organizationId, wallNow));
  const now = await billingNow(prisma, organizationId, wallNow);
  const periodStart = monthStart(now);
  const elapsedMs = BigInt(Math.max(3_600_000, now.getTime() - periodStart.getTime()));
  const periodMs = BigInt(nextMonth(periodStart).getTime() - periodStart.getTime());
  const input = await documentInput(prisma, organizationId, periodStart);
  const document = buildInvoiceDocument(input);
  const forecast = buildInvoiceDocument({
    ...input,
    usage: input.usage.map((u) =>
      u.month.getTime() === periodStart.getTime()
        ? { ...u, quantity: (u.quantity * periodMs) / elapsedMs }
        : u,
    ),
  });
  return {
    billingNow: now.toISOString(),
    document,
    forecast: {
      subtotal: forecast.subtotal,
      creditsApplied: forecast.creditsApplied,
      total: forecast.total,
    },
  };
}

function invoiceSummary(invoice: Invoice) {
  return {
    id: invoice.id,
    number: invoice.number,
    status: invoice.status as InvoiceStatus,
    periodStart: invoice.periodStart.toISOString(),
    periodEnd: invoice.periodEnd.toISOString(),
    subtotal: moneyString(new Decimal(invoice.subtotal.toString())),
    creditsApplied: moneyString(new Decimal(invoice.creditsApplied.toString())),
    total: moneyString(new Decimal(invoice.total.toString())),
    finalizedAt: invoice.finalizedAt.toISOString(),
    paidAt: invoice.paidAt?.toISOString() ?? null,
  };
}
export type InvoiceSummary = ReturnType<typeof invoiceSummary>;

/** The organization's finalized invoices, newest first. */
export async function listInvoices(prisma: PrismaClient, organizationId: string) {
  const invoices = await prisma.invoice.findMany({
    where: { organizationId },
    orderBy: { periodStart: "desc" },
  });
  return invoices.map(invoiceSummary);
}

/** One finalized invoice with its lines, or null when it is not this organization's. */
export async function getInvoice(prisma: PrismaClient, organizationId: string, id: string) {
  const invoice = await prisma.invoice.findFirst({ where: { id, organizationId } });
  if (!invoice) return null;
  return {
    ...invoiceSummary(invoice),
    contentHash: invoice.contentHash,
    document: invoice.document as unknown as InvoiceDocument,
  };
}
export type InvoiceDetail = NonNullable<Awaited<ReturnType<typeof getInvoice>>>;
