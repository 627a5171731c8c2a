"use client";
import Link from "next/link";
import { DataTable, type Column } from "@/components/ui/data-table";
import { usageDimensionInfo } from "@/server/usage/dimensions";
import type { UsageRow } from "@/server/usage/usage-queries";
import type { UsageGranularity } from "@/server/usage/usage-range";
import { bucketLabel } from "./usage-chart";
import { formatExactUsage, formatUsage } from "./usage-units";

/** The usage rows with human and exact quantities; a cluster column when `clusterNames` is given. */
export function UsageTable({
  rows,
  granularity,
  clusterNames,
}: {
  rows: UsageRow[];
  granularity: UsageGranularity;
  clusterNames: ReadonlyMap<string, string> | null;
}) {
  const nameOf = (r: UsageRow) => clusterNames?.get(r.clusterId) ?? r.clusterId;
  const cluster: Column<UsageRow>[] = clusterNames
    ? [
        {
          key: "cluster",
          header: "Cluster",
          sortValue: nameOf,
          cell: (r) => (
            <Link className="text-primary hover:underline" href={`/clusters/${r.clusterId}/usage`}>
              {nameOf(r)}
            </Link>
          ),
        },
      ]
    : [];
  return (
    <DataTable
      testId="usage-table"
      rows={rows}
      rowKey={(r) => `${r.windowStart.getTime()}:${r.clusterId}:${r.dimension}`}
      initialSort={{ key: "window", direction: "desc" }}
      columns={[
        {
          key: "window",
          header: granularity === "hour" ? "Hour (UTC)" : "Day (UTC)",
          sortValue: (r) => r.windowStart.getTime(),
          cell: (r) => bucketLabel(r.windowStart, granularity),
        },
        ...cluster,
        {
          key: "dimension",
          header: "Dimension",
          sortValue: (r) => r.dimension,
          cell: (r) => usageDimensionInfo[r.dimension].label,
        },
        {
          key: "usage",
          header: "Usage",
          align: "right",
          cell: (r) => formatUsage(r.dimension, r.quantity),
        },
        {
          key: "exact",
          header: "Exact",
          align: "right",
          sortValue: (r) => r.quantity,
          cell: (r) => (
            <span className="font-mono text-xs">{formatExactUsage(r.dimension, r.quantity)}</span>
          ),
        },
      ]}
    />
  );
}
