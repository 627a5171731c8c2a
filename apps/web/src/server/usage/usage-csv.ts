import { usageDimensionInfo } from "./dimensions.ts";
import type { UsageRow } from "./usage-queries.ts";

const header = ["window_start", "cluster_id", "cluster_name", "dimension", "quantity", "unit"];

/** RFC 4180: quote a field holding a comma, quote or line break; double its quotes. */
function field(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

/** Usage rows as CSV with exact integer quantities, one line per cluster, dimension and window. */
export function usageCsv(rows: UsageRow[], clusterNames: ReadonlyMap<string, string>): string {
  const lines = rows.map((r) =>
    [
      r.windowStart.toISOString(),
      r.clusterId,
      clusterNames.get(r.clusterId) ?? "",
      r.dimension,
      r.quantity.toString(),
      usageDimensionInfo[r.dimension].unit,
    ]
      .map(field)
      .join(","),
  );
  return [header.join(","), ...lines].map((line) => `${line}\r\n`).join("");
}
