import { Decimal } from "./money.ts";

/**
 * The price book: versions are appended, never edited. An invoice is rated with the version in
 * effect at the start of its period and records that version's number. Prices are modelled on
 * WarpStream's public BYOC pricing (uncompressed GiB written, GiB-months stored, cluster-minutes).
 */

export const billedDimensions = ["write_bytes", "storage_byte_hours", "cluster_minutes"] as const;
export type BilledDimension = (typeof billedDimensions)[number];

export interface PriceTier {
  /** Upper bound of the tier in units per organization and month (cumulative); null = no bound. */
  upTo: string | null;
  /** USD per unit, as an exact decimal string. */
  unitPrice: string;
}

export interface DimensionPrice {
  /** Display name of the unit the tiers are in. */
  unit: "GiB" | "GiB-month" | "cluster-minute";
  /** Units per organization and month that cost nothing; consumed before the first tier. */
  freeAllowance: string;
  /** Graduated tiers over the month's billable units after the allowance, ascending. */
  tiers: PriceTier[];
}

export interface PriceBookVersion {
  version: number;
  effectiveFrom: Date;
  currency: "usd";
  dimensions: Record<BilledDimension, DimensionPrice>;
  /** Promotional credit (USD) granted to every new organization. */
  startingCredits: string;
}

const TiB = 1024; // GiB

export const priceBookVersions: readonly PriceBookVersion[] = [
  {
    version: 1,
    effectiveFrom: new Date("2026-01-01T00:00:00Z"),
    currency: "usd",
    startingCredits: "400",
    dimensions: {
      write_bytes: {
        unit: "GiB",
        freeAllowance: "0",
        tiers: [
          { upTo: String(50 * TiB), unitPrice: "0.01" },
          { upTo: String(500 * TiB), unitPrice: "0.008" },
          { upTo: String(2000 * TiB), unitPrice: "0.005" },
          { upTo: null, unitPrice: "0.003" },
        ],
      },
      storage_byte_hours: {
        unit: "GiB-month",
        freeAllowance: "10",
        tiers: [
          { upTo: String(100 * TiB), unitPrice: "0.01" },
          { upTo: null, unitPrice: "0.006" },
        ],
      },
      cluster_minutes: {
        unit: "cluster-minute",
        freeAllowance: "0",
        tiers: [{ upTo: null, unitPrice: "0.0025" }],
      },
    },
  },
];

/** The version in effect at `at` (the latest whose effectiveFrom is not after it). */
export function priceBookAt(at: Date, versions: readonly PriceBookVersion[] = priceBookVersions) {
  const candidates = versions.filter((v) => v.effectiveFrom.getTime() <= at.getTime());
  const found = candidates.sort((a, b) => b.version - a.version)[0] ?? versions[0];
  if (!found) throw new Error("the price book has no versions");
  return found;
}

export function priceBookVersion(version: number): PriceBookVersion {
  const found = priceBookVersions.find((v) => v.version === version);
  if (!found) throw new Error(`unknown price book version ${version}`);
  return found;
}

const GiB = new Decimal(2).pow(30);

/**
 * Converts a raw metered quantity into the dimension's billing unit. Storage is prorated over the
 * hours of the billing month, so 1 GiB kept for half a month is 0.5 GiB-month.
 */
export function toBillingUnits(
  dimension: BilledDimension,
  rawQuantity: bigint,
  hoursInPeriod: number,
): Decimal {
  const raw = new Decimal(rawQuantity.toString());
  switch (dimension) {
    case "write_bytes":
      return raw.div(GiB);
    case "storage_byte_hours":
      return raw.div(GiB).div(hoursInPeriod);
    case "cluster_minutes":
      return raw;
  }
}

export function isBilledDimension(dimension: string): dimension is BilledDimension {
  return (billedDimensions as readonly string[]).includes(dimension);
}
