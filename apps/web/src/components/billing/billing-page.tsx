"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { CreditCard, Receipt } from "lucide-react";
import Link from "next/link";
import { useState, type FormEvent } from "react";
import { toast } from "sonner";
import { PageHeader } from "@/components/shell/page-header";
import { QueryError, TableSkeleton } from "@/components/shell/query-state";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { DataTable } from "@/components/ui/data-table";
import { EmptyState } from "@/components/ui/empty-state";
import { Field } from "@/components/ui/field";
import { Input } from "@/components/ui/input";
import { fieldErrorsOf, messageOf } from "@/lib/trpc/errors";
import { useTRPC } from "@/lib/trpc/client";
import { displayMoney, periodLabel } from "@/server/billing/render/labels";
import { InvoiceLines, InvoiceTotals } from "./invoice-lines";
import { InvoiceStatusBadge } from "./invoice-status";

function Stat({ label, value, testId }: { label: string; value: string; testId?: string }) {
  return (
    <div className="grid gap-0.5">
      <span className="text-xs text-muted-foreground">{label}</span>
      <span className="text-xl font-semibold tabular-nums" data-testid={testId}>
        {value}
      </span>
    </div>
  );
}

function SpendAlertForm({ threshold }: { threshold: string | null }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [value, setValue] = useState(threshold ?? "");
  const save = useMutation(
    trpc.billing.setSpendAlert.mutationOptions({
      onSuccess: () => {
        toast.success("Spend alert saved");
        void queryClient.invalidateQueries(trpc.billing.pathFilter());
      },
      onError: (err) => toast.error(messageOf(err)),
    }),
  );
  function submit(e: FormEvent) {
    e.preventDefault();
    save.mutate({ threshold: value.trim() === "" ? null : value.trim() });
  }
  return (
    <form onSubmit={submit} className="flex items-end gap-2">
      <Field
        id="spend-alert"
        label="Alert when this month's spend reaches (USD)"
        error={fieldErrorsOf(save.error).threshold}
        hint="Leave empty for no alert."
      >
        <Input
          id="spend-alert"
          inputMode="decimal"
          value={value}
          onChange={(e) => setValue(e.target.value)}
          className="w-40"
        />
      </Field>
      <Button type="submit" variant="outline" disabled={save.isPending} className="mb-5">
        Save
      </Button>
    </form>
  );
}

export function BillingPage() {
  const trpc = useTRPC();
  const overview = useQuery(
    trpc.billing.overview.queryOptions(undefined, { refetchInterval: 30_000 }),
  );
  const invoices = useQuery(trpc.billing.invoices.queryOptions());
  const checkout = useMutation(
    trpc.billing.addPaymentMethod.mutationOptions({
      onSuccess: ({ url }) => window.location.assign(url),
      onError: (err) => toast.error(messageOf(err)),
    }),
  );

  return (
    <>
      <PageHeader
        crumbs={[{ label: "Organization" }, { label: "Billing" }]}
        title="Billing"
        description="Usage is billed monthly in arrears (UTC calendar months) against the price book."
      />
      {overview.isPending ? (
        <TableSkeleton />
      ) : overview.error ? (
        <QueryError error={overview.error} />
      ) : (
        <div className="grid gap-6">
          {overview.data.spendAlert.crossed && (
            <div
              role="status"
              className="rounded-md border border-amber-300 bg-amber-50 px-3 py-2 text-sm text-amber-900"
              data-testid="spend-alert-notice"
            >
              This month&apos;s spend has reached your alert of{" "}
              {displayMoney(overview.data.spendAlert.threshold!)}.
            </div>
          )}
          <Card>
            <CardHeader>
              <CardTitle>
                Current period: {periodLabel(overview.data.upcoming.document.periodStart)}
              </CardTitle>
              <CardDescription>
                A live draft: it grows with usage until the month ends, then it is finalized.
              </CardDescription>
            </CardHeader>
            <CardContent className="grid gap-5">
              <div className="flex flex-wrap gap-10">
                <Stat
                  label="Estimate so far"
                  value={displayMoney(overview.data.upcoming.document.subtotal)}
                  testId="estimate-subtotal"
                />
                <Stat
                  label="Forecast to month end"
                  value={displayMoney(overview.data.upcoming.forecast.subtotal)}
                  testId="estimate-forecast"
                />
                <Stat
                  label="Credit balance"
                  value={displayMoney(overview.data.creditBalance)}
                  testId="credit-balance"
                />
              </div>
              {overview.data.upcoming.document.lines.length > 0 ? (
                <InvoiceLines
                  lines={overview.data.upcoming.document.lines}
                  testId="estimate-lines"
                />
              ) : (
                <p className="text-sm text-muted-foreground">No billable usage yet this month.</p>
              )}
              <InvoiceTotals {...overview.data.upcoming.document} />
            </CardContent>
          </Card>

          <div className="grid gap-6 md:grid-cols-2">
            <Card>
              <CardHeader>
                <CardTitle>Payment method</CardTitle>
                <CardDescription>
                  Finalized invoices are charged to this card automatically.
                </CardDescription>
              </CardHeader>
              <CardContent className="flex items-center justify-between gap-4">
                <span className="flex items-center gap-2 text-sm" data-testid="payment-method">
                  <CreditCard className="size-4" />
                  {overview.data.paymentMethod ?? "No card on file"}
                </span>
                <Button
                  onClick={() => checkout.mutate()}
                  disabled={!overview.data.stripeConfigured || checkout.isPending}
                >
                  {overview.data.paymentMethod ? "Replace card" : "Add card"}
                </Button>
              </CardContent>
            </Card>
            <Card>
              <CardHeader>
                <CardTitle>Spend alert</CardTitle>
                <CardDescription>
                  A notice here and an audit-log entry when the estimate reaches the amount.
                </CardDescription>
              </CardHeader>
              <CardContent>
                <SpendAlertForm threshold={overview.data.spendAlert.threshold} />
              </CardContent>
            </Card>
          </div>
        </div>
      )}

      <h2 className="mt-8 mb-3 text-lg font-semibold">Invoices</h2>
      {invoices.isPending ? (
        <TableSkeleton />
      ) : invoices.error ? (
        <QueryError error={invoices.error} />
      ) : invoices.data.length === 0 && !overview.data ? (
        <EmptyState
          icon={Receipt}
          title="No invoices yet"
          description="The first invoice is finalized an hour after the current month ends."
        />
      ) : (
        <DataTable
          testId="invoice-table"
          rows={[
            // The running month's draft heads the list; it becomes an invoice when finalized.
            ...(overview.data
              ? [
                  {
                    id: "draft",
                    number: null,
                    status: "draft" as const,
                    periodStart: overview.data.upcoming.document.periodStart,
                    total: overview.data.upcoming.document.total,
                  },
                ]
              : []),
            ...invoices.data,
          ]}
          rowKey={(i) => i.id}
          columns={[
            {
              key: "number",
              header: "Invoice",
              cell: (i) =>
                i.number === null ? (
                  <span className="text-muted-foreground">Current period (estimate)</span>
                ) : (
                  <Link href={`/billing/invoices/${i.id}`} className="font-mono text-xs underline">
                    {i.number}
                  </Link>
                ),
            },
            { key: "period", header: "Period", cell: (i) => periodLabel(i.periodStart) },
            {
              key: "status",
              header: "Status",
              cell: (i) => <InvoiceStatusBadge status={i.status} />,
            },
            {
              key: "total",
              header: "Total",
              align: "right",
              cell: (i) => <span className="tabular-nums">{displayMoney(i.total)}</span>,
            },
          ]}
        />
      )}
    </>
  );
}
