"use client";
import { useQuery } from "@tanstack/react-query";
import { BarChart3, Download } from "lucide-react";
import Link from "next/link";
import { useMemo, useState } from "react";
import { PageHeader } from "@/components/shell/page-header";
import { QueryError, TableSkeleton } from "@/components/shell/query-state";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardHeader, CardTitle } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { OptionPicker } from "@/components/ui/option-picker";
import { cn } from "@/lib/cn";
import { useTRPC } from "@/lib/trpc/client";
import {
  usageDimensionInfo,
  usageDimensions,
  type UsageDimension,
} from "@/server/usage/dimensions";
import {
  bucketStarts,
  usageGranularities,
  usageRanges,
  type UsageGranularity,
  type UsageRange,
} from "@/server/usage/usage-range";
import { UsageChart } from "./usage-chart";
import { UsageTable } from "./usage-table";
import { formatUsage } from "./usage-units";

const rangeLabels: Record<UsageRange, string> = {
  "24h": "24 hours",
  "7d": "7 days",
  "30d": "30 days",
  month: "This month",
};

/**
 * Metered usage of the organization, or of one cluster when `clusterId` is given: totals, a chart
 * of one dimension, the exact rows and a CSV download, over a range picked above.
 */
export function UsagePage({ clusterId }: { clusterId?: string }) {
  const trpc = useTRPC();
  const [range, setRange] = useState<UsageRange>("7d");
  const [granularity, setGranularity] = useState<UsageGranularity>("hour");
  const [dimension, setDimension] = useState<UsageDimension>("write_bytes");
  const input = { clusterId, range, granularity };
  const series = useQuery(trpc.usage.series.queryOptions(input, { refetchInterval: 60_000 }));

  const view = useMemo(() => {
    if (!series.data) return null;
    const { rows, from, to } = series.data;
    const totals = new Map<UsageDimension, bigint>();
    const perBucket = new Map<number, bigint>();
    for (const r of rows) {
      totals.set(r.dimension, (totals.get(r.dimension) ?? 0n) + r.quantity);
      if (r.dimension === dimension) {
        const t = r.windowStart.getTime();
        perBucket.set(t, (perBucket.get(t) ?? 0n) + r.quantity);
      }
    }
    const buckets = bucketStarts({ from, to }, series.data.granularity).map((start) => ({
      start,
      quantity: perBucket.get(start.getTime()) ?? 0n,
    }));
    const names = new Map(series.data.clusters.map((c) => [c.id, c.name]));
    return { totals, buckets, names };
  }, [series.data, dimension]);

  const csvHref = `/api/usage/export?${new URLSearchParams({ ...(clusterId && { clusterId }), range, granularity })}`;
  const connectHref = clusterId ? `/clusters/${clusterId}/connect` : "/clusters";

  return (
    <>
      <PageHeader
        level={clusterId ? 2 : 1}
        title="Usage"
        description={`Metered usage ${clusterId ? "of this cluster" : "of every cluster of this organization"}, by UTC hour or day. It is billed monthly.`}
        actions={
          <Button asChild variant="outline">
            <a href={csvHref} download data-testid="usage-csv">
              <Download /> Download CSV
            </a>
          </Button>
        }
      />
      <div className="mb-4 flex flex-wrap items-center gap-3">
        <OptionPicker
          label="Range"
          value={range}
          options={usageRanges}
          labels={rangeLabels}
          onChange={setRange}
        />
        <OptionPicker
          label="Granularity"
          value={granularity}
          options={usageGranularities}
          labels={{ hour: "By hour", day: "By day" }}
          onChange={setGranularity}
        />
      </div>
      {series.isPending ? (
        <TableSkeleton />
      ) : series.error ? (
        <QueryError error={series.error} />
      ) : (
        <div className="grid gap-6">
          <div
            className="grid grid-cols-2 gap-3 md:grid-cols-3 xl:grid-cols-5"
            data-testid="usage-totals"
          >
            {usageDimensions.map((d) => (
              <button
                key={d}
                type="button"
                onClick={() => setDimension(d)}
                aria-pressed={d === dimension}
                className={cn(
                  "rounded-lg border bg-background px-4 py-3 text-left shadow-sm transition-colors hover:border-primary/40",
                  d === dimension && "border-primary ring-1 ring-primary",
                )}
              >
                <p className="text-xs uppercase tracking-wide text-muted-foreground">
                  {usageDimensionInfo[d].label}
                </p>
                <p className="mt-1 text-xl font-semibold tabular-nums">
                  {formatUsage(d, view?.totals.get(d) ?? 0n)}
                </p>
              </button>
            ))}
          </div>
          {series.data.rows.length === 0 ? (
            <EmptyState
              icon={BarChart3}
              title="No usage in this range yet"
              description="Produce or consume with any Kafka client: the Connect page has ready snippets. Agents report usage every minute, and it shows here within a few minutes."
              action={
                <Button asChild variant="outline">
                  <Link href={connectHref}>
                    {clusterId ? "Connect a client" : "Pick a cluster to connect"}
                  </Link>
                </Button>
              }
            />
          ) : (
            <>
              <Card>
                <CardHeader>
                  <CardTitle>
                    {usageDimensionInfo[dimension].label}{" "}
                    <span className="text-sm font-normal text-muted-foreground">
                      · {usageDimensionInfo[dimension].description}
                    </span>
                  </CardTitle>
                </CardHeader>
                <CardContent>
                  <UsageChart
                    dimension={dimension}
                    granularity={series.data.granularity}
                    buckets={view?.buckets ?? []}
                  />
                </CardContent>
              </Card>
              <UsageTable
                rows={series.data.rows}
                granularity={series.data.granularity}
                clusterNames={clusterId ? null : (view?.names ?? new Map())}
              />
            </>
          )}
        </div>
      )}
    </>
  );
}
