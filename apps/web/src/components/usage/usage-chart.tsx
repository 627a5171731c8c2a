"use client";
import { Bar, BarChart, CartesianGrid, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import type { UsageDimension } from "@/server/usage/dimensions";
import type { UsageGranularity } from "@/server/usage/usage-range";
import { chartScale, formatUsage } from "./usage-units";

const utc = { timeZone: "UTC" } as const;

/** Axis and tooltip label of a bucket, in UTC like the billing period. */
export function bucketLabel(start: Date, granularity: UsageGranularity): string {
  return granularity === "hour"
    ? start.toLocaleString("en-GB", {
        ...utc,
        day: "numeric",
        month: "short",
        hour: "2-digit",
        minute: "2-digit",
      })
    : start.toLocaleDateString("en-GB", { ...utc, day: "numeric", month: "short" });
}

/** One dimension over time: a bar per hour or day, empty buckets drawn as zero. */
export function UsageChart({
  dimension,
  granularity,
  buckets,
}: {
  dimension: UsageDimension;
  granularity: UsageGranularity;
  /** Every bucket of the range, oldest first, with its quantity summed over clusters. */
  buckets: { start: Date; quantity: bigint }[];
}) {
  const max = buckets.reduce((m, b) => Math.max(m, Number(b.quantity)), 0);
  const scale = chartScale(dimension, max);
  const data = buckets.map((b) => ({
    label: bucketLabel(b.start, granularity),
    value: Number(b.quantity) / scale.divisor,
    quantity: b.quantity,
  }));
  return (
    <div
      className="h-72 w-full"
      data-testid="usage-chart"
      role="img"
      aria-label={`${dimension} by ${granularity}`}
    >
      <ResponsiveContainer width="100%" height="100%">
        <BarChart data={data} margin={{ top: 8, right: 8, bottom: 0, left: 8 }}>
          <CartesianGrid vertical={false} stroke="var(--color-border)" />
          <XAxis dataKey="label" tick={{ fontSize: 11 }} tickLine={false} minTickGap={24} />
          <YAxis
            tick={{ fontSize: 11 }}
            tickLine={false}
            axisLine={false}
            width={72}
            tickFormatter={(v: number) => `${Number(v.toPrecision(3))} ${scale.unit}`}
          />
          <Tooltip
            cursor={{ fill: "var(--color-muted)" }}
            formatter={(_value, _name, item) => [
              formatUsage(dimension, (item.payload as { quantity: bigint }).quantity),
              "Usage",
            ]}
          />
          <Bar
            dataKey="value"
            fill="var(--color-primary)"
            radius={[3, 3, 0, 0]}
            isAnimationActive={false}
          />
        </BarChart>
      </ResponsiveContainer>
    </div>
  );
}
