"use client";
import { useQuery } from "@tanstack/react-query";
import { Download } from "lucide-react";
import { PageHeader } from "@/components/shell/page-header";
import { QueryError, TableSkeleton } from "@/components/shell/query-state";
import { Button } from "@/components/ui/button";
import { Card, CardContent } from "@/components/ui/card";
import { formatDate } from "@/lib/format";
import { useTRPC } from "@/lib/trpc/client";
import { periodLabel } from "@/server/billing/render/labels";
import { InvoiceLines, InvoiceTotals } from "./invoice-lines";
import { InvoiceStatusBadge } from "./invoice-status";

export function InvoiceDetail({ invoiceId }: { invoiceId: string }) {
  const trpc = useTRPC();
  const invoice = useQuery(trpc.billing.invoice.queryOptions({ id: invoiceId }));
  if (invoice.isPending) return <TableSkeleton />;
  if (invoice.error) return <QueryError error={invoice.error} />;
  const i = invoice.data;
  const download = (format: "pdf" | "csv") => `/api/billing/invoices/${i.id}/${format}`;
  return (
    <>
      <PageHeader
        crumbs={[{ label: "Billing", href: "/billing" }, { label: i.number }]}
        title={
          <span className="flex items-center gap-3">
            Invoice {i.number} <InvoiceStatusBadge status={i.status} />
          </span>
        }
        description={`${periodLabel(i.periodStart)} · finalized ${formatDate(i.finalizedAt)}${i.paidAt ? ` · paid ${formatDate(i.paidAt)}` : ""}`}
        actions={
          <>
            <Button variant="outline" asChild>
              <a href={download("pdf")} data-testid="invoice-pdf">
                <Download /> PDF
              </a>
            </Button>
            <Button variant="outline" asChild>
              <a href={download("csv")}>
                <Download /> CSV
              </a>
            </Button>
          </>
        }
      />
      <Card>
        <CardContent className="grid gap-5">
          {i.document.lines.length > 0 ? (
            <InvoiceLines lines={i.document.lines} />
          ) : (
            <p className="text-sm text-muted-foreground">No usage in this period.</p>
          )}
          <InvoiceTotals {...i.document} />
          <p className="text-xs break-all text-muted-foreground">
            Price book version {i.document.priceBookVersion} · content hash {i.contentHash}
          </p>
        </CardContent>
      </Card>
    </>
  );
}
