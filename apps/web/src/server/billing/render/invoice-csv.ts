import type { InvoiceDetail } from "../invoices.ts";
import { dimensionLabels } from "./labels.ts";

function cell(value: string): string {
  return /[",\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/** One row per line with exact quantities and tier breakdown, then credits and total. */
export function invoiceCsv(invoice: InvoiceDetail): string {
  const rows: string[][] = [
    [
      "invoice",
      "kind",
      "service_period",
      "cluster_id",
      "cluster",
      "dimension",
      "description",
      "metered_quantity",
      "quantity",
      "unit",
      "tiers",
      "amount_usd",
    ],
  ];
  for (const line of invoice.document.lines) {
    rows.push([
      invoice.number,
      line.kind,
      line.servicePeriodStart.slice(0, 7),
      line.clusterId,
      line.clusterName,
      line.dimension,
      dimensionLabels[line.dimension],
      line.meteredQuantity,
      line.quantity,
      line.unit,
      line.tiers.map((t) => `${t.from}-${t.to}@${t.unitPrice}`).join(" "),
      line.amount,
    ]);
  }
  const summary = (label: string, amount: string) => [
    invoice.number,
    label,
    "",
    "",
    "",
    "",
    "",
    "",
    "",
    "",
    "",
    amount,
  ];
  rows.push(summary("subtotal", invoice.subtotal));
  rows.push(summary("credits", `-${invoice.creditsApplied}`));
  rows.push(summary("total", invoice.total));
  return rows.map((r) => r.map(cell).join(",")).join("\n") + "\n";
}
