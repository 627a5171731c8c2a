import { createHash } from "node:crypto";
import type { Decimal } from "./money.ts";
import {
  billedDimensions,
  priceBookAt,
  toBillingUnits,
  type BilledDimension,
} from "./price-book.ts";
import { hoursBetween, nextMonth } from "./periods.ts";
import { rateLines, totalInvoice, type RatedLine } from "./rating.ts";
import type { MonthlyUsage } from "./usage.ts";

/** A line as invoiced: the rated line plus the raw metered quantity it was rated from. */
export type InvoiceLine = RatedLine & { meteredQuantity: string };

/**
 * The content of an invoice: what the page, PDF, CSV and API show, what is hashed, and what is
 * frozen at finalization. Decimal amounts are strings.
 */
export interface InvoiceDocument {
  organizationId: string;
  organizationName: string;
  periodStart: string;
  periodEnd: string;
  currency: "usd";
  priceBookVersion: number;
  lines: InvoiceLine[];
  subtotal: string;
  creditsApplied: string;
  total: string;
}

export interface DocumentInput {
  organization: { id: string; name: string };
  periodStart: Date;
  /** Usage of the period and of every earlier finalized month (for adjustments). */
  usage: readonly MonthlyUsage[];
  /** Lines of the organization's finalized invoices (what was billed before). */
  billedLines: readonly InvoiceLine[];
  /** Months that have a finalized invoice: late usage in these becomes adjustment lines. */
  finalizedMonths: readonly Date[];
  clusterNames: ReadonlyMap<string, string>;
  creditBalance: Decimal;
}

const keyOf = (clusterId: string, dimension: string) => `${clusterId}\u0000${dimension}`;

function rateMonth(
  kind: RatedLine["kind"],
  month: Date,
  metered: ReadonlyMap<string, { clusterId: string; dimension: BilledDimension; quantity: bigint }>,
  input: DocumentInput,
  alreadyBilledMetered: ReadonlyMap<BilledDimension, bigint> = new Map(),
): InvoiceLine[] {
  const hours = hoursBetween(month, nextMonth(month));
  const book = priceBookAt(month);
  const usage = [...metered.values()].map((m) => ({
    clusterId: m.clusterId,
    clusterName: input.clusterNames.get(m.clusterId) ?? m.clusterId,
    dimension: m.dimension,
    units: toBillingUnits(m.dimension, m.quantity, hours),
  }));
  const alreadyBilled = Object.fromEntries(
    billedDimensions.map((d) => [d, toBillingUnits(d, alreadyBilledMetered.get(d) ?? 0n, hours)]),
  );
  return rateLines(kind, month, usage, book, alreadyBilled).map((line) => ({
    ...line,
    meteredQuantity: metered.get(keyOf(line.clusterId, line.dimension))!.quantity.toString(),
  }));
}

function usageOfMonth(usage: readonly MonthlyUsage[], month: Date) {
  const byKey = new Map<
    string,
    { clusterId: string; dimension: BilledDimension; quantity: bigint }
  >();
  for (const u of usage) {
    if (u.month.getTime() !== month.getTime()) continue;
    const key = keyOf(u.clusterId, u.dimension);
    const prior = byKey.get(key)?.quantity ?? 0n;
    byKey.set(key, {
      clusterId: u.clusterId,
      dimension: u.dimension,
      quantity: prior + u.quantity,
    });
  }
  return byKey;
}

/**
 * Late usage of a finalized month: what is metered now minus what its invoices (the original and
 * earlier adjustments) billed, compared in raw metered units so nothing is lost to rounding.
 */
function adjustmentLines(input: DocumentInput, month: Date): InvoiceLine[] {
  const iso = month.toISOString();
  const billed = new Map<string, bigint>();
  const billedPerDimension = new Map<BilledDimension, bigint>();
  for (const line of input.billedLines) {
    if (line.servicePeriodStart !== iso) continue;
    const q = BigInt(line.meteredQuantity);
    const key = keyOf(line.clusterId, line.dimension);
    billed.set(key, (billed.get(key) ?? 0n) + q);
    billedPerDimension.set(line.dimension, (billedPerDimension.get(line.dimension) ?? 0n) + q);
  }
  const late = new Map<
    string,
    { clusterId: string; dimension: BilledDimension; quantity: bigint }
  >();
  for (const [key, u] of usageOfMonth(input.usage, month)) {
    const delta = u.quantity - (billed.get(key) ?? 0n);
    if (delta > 0n) late.set(key, { ...u, quantity: delta });
  }
  return late.size === 0 ? [] : rateMonth("adjustment", month, late, input, billedPerDimension);
}

export function buildInvoiceDocument(input: DocumentInput): InvoiceDocument {
  const { periodStart } = input;
  const adjustments = [...input.finalizedMonths]
    .filter((m) => m.getTime() < periodStart.getTime())
    .sort((a, b) => a.getTime() - b.getTime())
    .flatMap((m) => adjustmentLines(input, m));
  const current = rateMonth("usage", periodStart, usageOfMonth(input.usage, periodStart), input);
  const lines = [...current, ...adjustments];
  const totals = totalInvoice(lines, input.creditBalance);
  return {
    organizationId: input.organization.id,
    organizationName: input.organization.name,
    periodStart: periodStart.toISOString(),
    periodEnd: nextMonth(periodStart).toISOString(),
    currency: "usd",
    priceBookVersion: priceBookAt(periodStart).version,
    lines,
    subtotal: totals.subtotal,
    creditsApplied: totals.creditsApplied,
    total: totals.total,
  };
}

/** JSON with object keys sorted at every level: the same content always gives the same bytes. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(",")}}`;
  }
  return JSON.stringify(value);
}

/** sha256 of the canonical document plus the number it was issued under. */
export function contentHash(number: string, document: InvoiceDocument): string {
  return createHash("sha256").update(canonicalJson({ number, document })).digest("hex");
}
