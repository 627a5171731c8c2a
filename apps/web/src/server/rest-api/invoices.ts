import { z } from "zod";
import { billedDimensions } from "../billing/price-book.ts";
import { getInvoice, listInvoices, upcomingInvoice } from "../billing/invoices.ts";
import { ApiError } from "./api-error.ts";
import { defineEndpoint } from "./endpoint.ts";

const money = z
  .string()
  .regex(/^-?\d+\.\d{2}$/)
  .meta({ description: "USD, exact, two decimals", example: "193.92" });
const exact = z
  .string()
  .regex(/^-?\d+(\.\d+)?$/)
  .meta({ description: "Exact decimal, unrounded" });
const instant = z.iso.datetime();

const invoiceSummarySchema = z
  .object({
    id: z.string(),
    number: z.string().meta({ example: "SB-2026-000042" }),
    status: z.enum(["open", "paid", "past_due", "void"]),
    currency: z.literal("usd"),
    periodStart: instant,
    periodEnd: instant,
    subtotal: money,
    creditsApplied: money,
    total: money,
    finalizedAt: instant,
    paidAt: instant.nullable(),
  })
  .meta({ id: "InvoiceSummary" });

const invoiceLineSchema = z
  .object({
    kind: z.enum(["usage", "adjustment"]).meta({
      description: "adjustment: usage of an earlier, already finalized month that arrived late",
    }),
    servicePeriodStart: instant,
    clusterId: z.string(),
    clusterName: z.string(),
    dimension: z.enum(billedDimensions),
    unit: z.enum(["GiB", "GiB-month", "cluster-minute"]),
    quantity: exact.meta({ description: "Billed units (exact decimal)" }),
    meteredQuantity: z.string().meta({ description: "The metered quantity (integer)" }),
    tiers: z.array(
      z.object({ from: exact, to: exact, unitPrice: exact, amount: exact }).meta({
        id: "InvoiceTierSlice",
        description: "The part of the line priced at one tier: cumulative units [from, to)",
      }),
    ),
    amount: money,
  })
  .meta({ id: "InvoiceLine" });

const invoiceDetailSchema = invoiceSummarySchema
  .extend({
    contentHash: z.string().meta({ description: "SHA-256 of the finalized document" }),
    lines: z.array(invoiceLineSchema),
  })
  .meta({ id: "Invoice" });

const upcomingInvoiceSchema = z
  .object({
    status: z.literal("draft"),
    currency: z.literal("usd"),
    periodStart: instant,
    periodEnd: instant,
    billingNow: instant.meta({
      description: "The organization's billing time the draft was computed at",
    }),
    lines: z.array(invoiceLineSchema),
    subtotal: money,
    creditsApplied: money,
    total: money,
    forecast: z
      .object({ subtotal: money, creditsApplied: money, total: money })
      .meta({ description: "The period's usage so far extrapolated to the end of the month" }),
  })
  .meta({ id: "UpcomingInvoice" });

export const listInvoicesEndpoint = defineEndpoint({
  method: "get",
  path: "/api/v1/invoices",
  operationId: "listInvoices",
  tag: "Invoices",
  summary: "List invoices",
  description: "The organization's finalized monthly invoices, newest first.",
  access: "billing",
  response: z.object({ data: z.array(invoiceSummarySchema) }).meta({ id: "InvoiceList" }),
  async handle({ prisma, principal }) {
    const invoices = await listInvoices(prisma, principal.organizationId);
    return { data: invoices.map((i) => ({ ...i, currency: "usd" as const })) };
  },
});

export const upcomingInvoiceEndpoint = defineEndpoint({
  method: "get",
  path: "/api/v1/invoices/upcoming",
  operationId: "getUpcomingInvoice",
  tag: "Invoices",
  summary: "Get the upcoming invoice",
  description: "The live draft of the running month (the estimate), with a forecast to month end.",
  access: "billing",
  response: z.object({ data: upcomingInvoiceSchema }).meta({ id: "UpcomingInvoiceResponse" }),
  async handle({ prisma, principal }) {
    const { billingNow, document, forecast } = await upcomingInvoice(
      prisma,
      principal.organizationId,
      new Date(),
    );
    return {
      data: {
        status: "draft" as const,
        currency: document.currency,
        periodStart: document.periodStart,
        periodEnd: document.periodEnd,
        billingNow,
        lines: document.lines,
        subtotal: document.subtotal,
        creditsApplied: document.creditsApplied,
        total: document.total,
        forecast,
      },
    };
  },
});

export const getInvoiceEndpoint = defineEndpoint({
  method: "get",
  path: "/api/v1/invoices/{invoiceId}",
  operationId: "getInvoice",
  tag: "Invoices",
  summary: "Get an invoice",
  description: "One finalized invoice with its lines (tiers applied per line).",
  access: "billing",
  params: z.object({
    invoiceId: z.string().min(1).meta({ description: "An invoice of the key's organization" }),
  }),
  response: z.object({ data: invoiceDetailSchema }).meta({ id: "InvoiceResponse" }),
  notFound: true,
  async handle({ prisma, principal, params }) {
    const invoice = await getInvoice(prisma, principal.organizationId, params.invoiceId);
    if (!invoice) throw new ApiError("not_found", `No invoice ${params.invoiceId}`);
    const { document, ...summary } = invoice;
    return { data: { ...summary, currency: document.currency, lines: document.lines } };
  },
});
