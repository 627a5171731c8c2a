import { Decimal, ZERO, moneyString, roundMoney, sum } from "./money.ts";
import {
  billedDimensions,
  type BilledDimension,
  type DimensionPrice,
  type PriceBookVersion,
} from "./price-book.ts";

/**
 * Rating: a pure function of (usage in billing units, price book version, credit balance).
 * Tiers are graduated over the organization's monthly total per dimension; clusters consume them
 * in a fixed order (cluster id), so each line shows which tiers its own quantity fell into.
 * Exact decimals throughout; each line total is rounded to cents half-even, nothing else is.
 */

export interface ClusterUsage {
  clusterId: string;
  clusterName: string;
  dimension: BilledDimension;
  /** Quantity in the dimension's billing unit (GiB, GiB-month, cluster-minute). */
  units: Decimal;
}

export interface TierSlice {
  /** The slice's position in the month's cumulative units: [from, to). */
  from: string;
  to: string;
  unitPrice: string;
  /** Exact, unrounded. */
  amount: string;
}

export interface RatedLine {
  kind: "usage" | "adjustment";
  /** First instant of the month the usage happened in (for adjustments, an earlier month). */
  servicePeriodStart: string;
  clusterId: string;
  clusterName: string;
  dimension: BilledDimension;
  unit: DimensionPrice["unit"];
  quantity: string;
  tiers: TierSlice[];
  /** Rounded to cents, half-even. */
  amount: string;
}

export interface RatedInvoice {
  lines: RatedLine[];
  subtotal: string;
  creditsApplied: string;
  total: string;
}

interface Band {
  from: Decimal;
  to: Decimal | null;
  unitPrice: Decimal;
}

/** The dimension's price as cumulative bands: the free allowance first, then the tiers after it. */
function bandsOf(price: DimensionPrice): Band[] {
  const free = new Decimal(price.freeAllowance);
  const bands: Band[] = free.gt(0) ? [{ from: ZERO, to: free, unitPrice: ZERO }] : [];
  let from = free;
  for (const tier of price.tiers) {
    const to = tier.upTo === null ? null : free.plus(tier.upTo);
    bands.push({ from, to, unitPrice: new Decimal(tier.unitPrice) });
    if (to === null) break;
    from = to;
  }
  return bands;
}

/** Prices `units` placed after `start` units already consumed this month. */
export function rateSlice(
  price: DimensionPrice,
  start: Decimal,
  units: Decimal,
): { tiers: TierSlice[]; exact: Decimal } {
  const end = start.plus(units);
  const tiers: TierSlice[] = [];
  for (const band of bandsOf(price)) {
    const lo = Decimal.max(start, band.from);
    const hi = band.to === null ? end : Decimal.min(end, band.to);
    if (hi.lte(lo)) continue;
    const amount = hi.minus(lo).times(band.unitPrice);
    tiers.push({
      from: lo.toString(),
      to: hi.toString(),
      unitPrice: band.unitPrice.toString(),
      amount: amount.toString(),
    });
  }
  return { tiers, exact: sum(tiers.map((t) => new Decimal(t.amount))) };
}

/**
 * Rates one month's usage per cluster and dimension. `alreadyBilled` gives the units of that month
 * billed before (for adjustment lines: late usage continues from where the finalized invoice
 * stopped, in the same tiers).
 */
export function rateLines(
  kind: RatedLine["kind"],
  servicePeriodStart: Date,
  usage: readonly ClusterUsage[],
  priceBook: PriceBookVersion,
  alreadyBilled: Partial<Record<BilledDimension, Decimal>> = {},
): RatedLine[] {
  const lines: RatedLine[] = [];
  for (const dimension of billedDimensions) {
    const price = priceBook.dimensions[dimension];
    let position = alreadyBilled[dimension] ?? ZERO;
    const ofDimension = usage
      .filter((u) => u.dimension === dimension && u.units.gt(0))
      .sort((a, b) => (a.clusterId < b.clusterId ? -1 : a.clusterId > b.clusterId ? 1 : 0));
    for (const u of ofDimension) {
      const { tiers, exact } = rateSlice(price, position, u.units);
      position = position.plus(u.units);
      lines.push({
        kind,
        servicePeriodStart: servicePeriodStart.toISOString(),
        clusterId: u.clusterId,
        clusterName: u.clusterName,
        dimension,
        unit: price.unit,
        quantity: u.units.toString(),
        tiers,
        amount: moneyString(roundMoney(exact)),
      });
    }
  }
  return lines;
}

/** Sums the lines and applies credits (never more than the subtotal, never below zero). */
export function totalInvoice(lines: RatedLine[], creditBalance: Decimal): RatedInvoice {
  const subtotal = sum(lines.map((l) => new Decimal(l.amount)));
  const creditsApplied = Decimal.max(ZERO, Decimal.min(creditBalance, subtotal));
  return {
    lines,
    subtotal: moneyString(subtotal),
    creditsApplied: moneyString(creditsApplied),
    total: moneyString(subtotal.minus(creditsApplied)),
  };
}
