import { DataTable } from "@/components/ui/data-table";
import type { InvoiceLine } from "@/server/billing/invoice-document";
import { displayMoney, displayQuantity, lineLabel } from "@/server/billing/render/labels";

/** Lines of an invoice or of the live estimate, with the tiers each quantity fell into. */
export function InvoiceLines({ lines, testId }: { lines: InvoiceLine[]; testId?: string }) {
  return (
    <DataTable
      testId={testId}
      rows={lines}
      rowKey={(l) => `${l.kind}:${l.servicePeriodStart}:${l.clusterId}:${l.dimension}`}
      pageSize={50}
      columns={[
        { key: "line", header: "Line", cell: (l) => lineLabel(l), wrap: true },
        {
          key: "quantity",
          header: "Quantity",
          align: "right",
          cell: (l) => `${displayQuantity(l.quantity)} ${l.unit}`,
        },
        {
          key: "tiers",
          header: "Tiers",
          wrap: true,
          cell: (l) => (
            <ul className="text-xs text-muted-foreground">
              {l.tiers.map((t) => (
                <li key={t.from}>
                  {displayQuantity(t.from)}–{displayQuantity(t.to)} at ${t.unitPrice}
                </li>
              ))}
            </ul>
          ),
        },
        {
          key: "amount",
          header: "Amount",
          align: "right",
          cell: (l) => <span className="tabular-nums">{displayMoney(l.amount)}</span>,
        },
      ]}
    />
  );
}

/** Subtotal, credits and total under a list of lines. */
export function InvoiceTotals({
  subtotal,
  creditsApplied,
  total,
}: {
  subtotal: string;
  creditsApplied: string;
  total: string;
}) {
  return (
    <dl className="ml-auto grid w-72 grid-cols-2 gap-y-1 text-sm tabular-nums">
      <dt className="text-muted-foreground">Subtotal</dt>
      <dd className="text-right">{displayMoney(subtotal)}</dd>
      <dt className="text-muted-foreground">Credits applied</dt>
      <dd className="text-right">{displayMoney(`-${creditsApplied}`)}</dd>
      <dt className="font-semibold">Total</dt>
      <dd className="text-right font-semibold" data-testid="invoice-total">
        {displayMoney(total)}
      </dd>
    </dl>
  );
}
