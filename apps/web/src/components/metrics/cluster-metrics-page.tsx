"use client";
import { useQuery } from "@tanstack/react-query";
import { useMemo, useState } from "react";
import { errorInfo } from "@streambed/protocol/errors/error-codes";
import { PageHeader } from "@/components/shell/page-header";
import { QueryError, TableSkeleton } from "@/components/shell/query-state";
import { OptionPicker } from "@/components/ui/option-picker";
import { useTRPC } from "@/lib/trpc/client";
import type { MetricPoint, MetricRange } from "@/server/cluster-metrics/cluster-metric-series";
import { MetricChart, type ChartSeries } from "./metric-chart";

const ranges = ["1h", "6h", "24h", "7d"] as const satisfies readonly MetricRange[];
const rangeLabels: Record<MetricRange, string> = {
  "1h": "1 hour",
  "6h": "6 hours",
  "24h": "24 hours",
  "7d": "7 days",
};

const utc = { timeZone: "UTC" } as const;

function label(at: Date, range: MetricRange): string {
  return range === "7d"
    ? at.toLocaleString("en-GB", { ...utc, day: "numeric", month: "short", hour: "2-digit" })
    : at.toLocaleTimeString("en-GB", { ...utc, hour: "2-digit", minute: "2-digit" });
}

const number = (v: number) => (v === 0 ? "0" : String(Number(v.toPrecision(3))));

/** The keys of a per-key series (APIs, error codes) seen anywhere in the range, busiest first. */
function keysOf(points: MetricPoint[], pick: (p: MetricPoint) => Record<string, number>, max = 8) {
  const totals = new Map<string, number>();
  for (const p of points)
    for (const [k, v] of Object.entries(pick(p))) totals.set(k, (totals.get(k) ?? 0) + v);
  return [...totals]
    .sort((a, b) => b[1] - a[1])
    .slice(0, max)
    .map(([k]) => k);
}

/**
 * A cluster's operational figures as agents report them each window: throughput, requests by
 * API, produce and fetch latency, connections, errors by code, object store and cache.
 */
export function ClusterMetricsPage({ clusterId }: { clusterId: string }) {
  const trpc = useTRPC();
  const [range, setRange] = useState<MetricRange>("1h");
  const series = useQuery(
    trpc.metrics.cluster.queryOptions({ clusterId, range }, { refetchInterval: 15_000 }),
  );

  const charts = useMemo(() => {
    const points = series.data;
    if (!points) return null;
    const apis = keysOf(points, (p) => p.requestsPerSecond);
    const codes = keysOf(points, (p) => p.errorsPerSecond);
    const rows = points.map((p) => ({
      label: label(p.at, range),
      produce: p.produceMiBps,
      fetch: p.fetchMiBps,
      produceP50: p.produceP50Ms,
      produceP99: p.produceP99Ms,
      fetchP50: p.fetchP50Ms,
      fetchP99: p.fetchP99Ms,
      connections: p.connections,
      puts: p.objectPutsPerSecond,
      gets: p.objectGetsPerSecond,
      cacheHitRatio: p.cacheHitRatio === null ? null : p.cacheHitRatio * 100,
      ...Object.fromEntries(apis.map((a) => [`api:${a}`, p.requestsPerSecond[a] ?? 0])),
      ...Object.fromEntries(codes.map((c) => [`error:${c}`, p.errorsPerSecond[c] ?? 0])),
    }));
    const apiSeries: ChartSeries[] = apis.map((a) => ({ key: `api:${a}`, label: a }));
    const errorSeries: ChartSeries[] = codes.map((c) => ({
      key: `error:${c}`,
      label: errorInfo(Number(c)).name,
    }));
    return { rows, apiSeries, errorSeries };
  }, [series.data, range]);

  return (
    <>
      <PageHeader
        level={2}
        title="Metrics"
        description="What this cluster's agents measured, added up across agents (times in UTC). The same figures are on each agent's /metrics with a cluster_id label."
      />
      <div className="mb-4">
        <OptionPicker
          label="Range"
          value={range}
          options={ranges}
          labels={rangeLabels}
          onChange={setRange}
        />
      </div>
      {series.isPending ? (
        <TableSkeleton />
      ) : series.error ? (
        <QueryError error={series.error} />
      ) : (
        charts && (
          <div className="grid gap-4 lg:grid-cols-2">
            <MetricChart
              title="Throughput (MiB/s)"
              testId="chart-throughput"
              data={charts.rows}
              series={[
                { key: "produce", label: "Produce" },
                { key: "fetch", label: "Fetch" },
              ]}
              format={number}
            />
            <MetricChart
              title="Requests per second by API"
              testId="chart-requests"
              data={charts.rows}
              series={charts.apiSeries}
              format={number}
            />
            <MetricChart
              title="Latency (ms)"
              testId="chart-latency"
              data={charts.rows}
              series={[
                { key: "produceP50", label: "Produce p50" },
                { key: "produceP99", label: "Produce p99" },
                { key: "fetchP50", label: "Fetch p50" },
                { key: "fetchP99", label: "Fetch p99" },
              ]}
              format={number}
            />
            <MetricChart
              title="Connections"
              testId="chart-connections"
              data={charts.rows}
              series={[{ key: "connections", label: "Open connections" }]}
              format={number}
            />
            <MetricChart
              title="Errors per second by code"
              testId="chart-errors"
              data={charts.rows}
              series={charts.errorSeries}
              format={number}
            />
            <MetricChart
              title="Object store requests per second (agents serving this cluster)"
              testId="chart-object-store"
              data={charts.rows}
              series={[
                { key: "puts", label: "PUT" },
                { key: "gets", label: "GET" },
              ]}
              format={number}
            />
            <MetricChart
              title="Block cache hit ratio (%)"
              testId="chart-cache"
              data={charts.rows}
              series={[{ key: "cacheHitRatio", label: "Hit ratio" }]}
              format={number}
            />
          </div>
        )
      )}
    </>
  );
}
