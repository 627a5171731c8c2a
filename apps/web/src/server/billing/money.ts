import DecimalBase from "decimal.js";

/**
 * Decimal arithmetic for billing: enough precision that bytes → GiB (a division by 2^30) and
 * byte-hours → GiB-months stay exact, and banker's rounding where we round (line totals only).
 */
// Exact strings never in exponent notation: invoices, CSV and the API show plain decimals.
export const Decimal = DecimalBase.clone({
  precision: 80,
  rounding: DecimalBase.ROUND_HALF_EVEN,
  toExpNeg: -9e15,
  toExpPos: 9e15,
});
export type Decimal = InstanceType<typeof Decimal>;

export const ZERO = new Decimal(0);

/** Money is rounded to cents, half-even, once per line total. */
export function roundMoney(amount: Decimal): Decimal {
  return amount.toDecimalPlaces(2, Decimal.ROUND_HALF_EVEN);
}

/** "1234.50": what JSON, CSV, the PDF and Stripe amounts are built from. */
export function moneyString(amount: Decimal): string {
  return amount.toFixed(2);
}

/** Integer cents for Stripe (amounts are already rounded to cents). */
export function toCents(amount: Decimal): number {
  return amount.times(100).toDecimalPlaces(0, Decimal.ROUND_HALF_EVEN).toNumber();
}

export function sum(values: Iterable<Decimal>): Decimal {
  let total = ZERO;
  for (const v of values) total = total.plus(v);
  return total;
}
