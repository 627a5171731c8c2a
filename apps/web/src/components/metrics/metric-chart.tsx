"use client";
import {
  CartesianGrid,
  Legend,
  Line,
  LineChart,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from "recharts";
import { Card, CardContent, CardHeader, CardTitle } from "@/components/ui/card";

export interface ChartSeries {
  key: string;
  label: string;
}

/** Distinct enough for up to eight lines, from the theme where it has them. */
const colors = [
  "var(--color-primary)",
  "#f97316",
  "#10b981",
  "#8b5cf6",
  "#ef4444",
  "#0ea5e9",
  "#eab308",
  "#64748b",
];

/** A titled line chart of a few series over time; gaps (null) are drawn as gaps. */
export function MetricChart({
  title,
  testId,
  data,
  series,
  format,
}: {
  title: string;
  testId: string;
  data: Record<string, number | string | null>[];
  series: ChartSeries[];
  format: (value: number) => string;
}) {
  return (
    <Card data-testid={testId}>
      <CardHeader>
        <CardTitle className="text-sm">{title}</CardTitle>
      </CardHeader>
      <CardContent>
        <div className="h-56 w-full" role="img" aria-label={title}>
          <ResponsiveContainer width="100%" height="100%">
            <LineChart data={data} margin={{ top: 4, right: 8, bottom: 0, left: 4 }}>
              <CartesianGrid vertical={false} stroke="var(--color-border)" />
              <XAxis dataKey="label" tick={{ fontSize: 11 }} tickLine={false} minTickGap={32} />
              <YAxis
                tick={{ fontSize: 11 }}
                tickLine={false}
                axisLine={false}
                width={64}
                tickFormatter={format}
              />
              <Tooltip formatter={(value) => (typeof value === "number" ? format(value) : "–")} />
              {series.length > 1 && <Legend wrapperStyle={{ fontSize: 12 }} />}
              {series.map((s, i) => (
                <Line
                  key={s.key}
                  dataKey={s.key}
                  name={s.label}
                  stroke={colors[i % colors.length]}
                  dot={false}
                  strokeWidth={2}
                  connectNulls={false}
                  isAnimationActive={false}
                />
              ))}
            </LineChart>
          </ResponsiveContainer>
        </div>
      </CardContent>
    </Card>
  );
}
