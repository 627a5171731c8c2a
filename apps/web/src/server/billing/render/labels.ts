import type { InvoiceLine } from "../invoice-document.ts";

/** Words for the page, PDF and CSV, so all three say the same thing. */
export const dimensionLabels: Record<InvoiceLine["dimension"], string> = {
  write_bytes: "Data written",
  storage_byte_hours: "Storage",
  cluster_minutes: "Cluster time",
};

export function lineLabel(line: InvoiceLine): string {
  const base = `${line.clusterName} · ${dimensionLabels[line.dimension]}`;
  return line.kind === "adjustment"
    ? `${base} (late usage, ${line.servicePeriodStart.slice(0, 7)})`
    : base;
}

/** A quantity for people: at most three decimals, thousands separated (the exact value is in CSV). */
export function displayQuantity(quantity: string): string {
  const [whole, fraction = ""] = quantity.split(".");
  const grouped = whole!.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  const short = fraction.slice(0, 3).replace(/0+$/, "");
  return short ? `${grouped}.${short}` : grouped;
}

export function displayMoney(amount: string): string {
  const negative = amount.startsWith("-") && /[1-9]/.test(amount);
  const [whole, cents = "00"] = amount.replace("-", "").split(".");
  return `${negative ? "-" : ""}$${whole!.replace(/\B(?=(\d{3})+(?!\d))/g, ",")}.${cents}`;
}

export function periodLabel(periodStart: string): string {
  return new Date(periodStart).toLocaleDateString("en-US", {
    month: "long",
    year: "numeric",
    timeZone: "UTC",
  });
}
