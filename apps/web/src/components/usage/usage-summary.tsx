"use client";
import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { useTRPC } from "@/lib/trpc/client";
import { usageDimensionInfo, usageDimensions } from "@/server/usage/dimensions";
import { formatUsage } from "./usage-units";

/** Month-to-date totals of one cluster, for its overview. */
export function UsageSummary({ clusterId }: { clusterId: string }) {
  const trpc = useTRPC();
  const mtd = useQuery(
    trpc.usage.monthToDate.queryOptions({ clusterId }, { refetchInterval: 60_000 }),
  );
  const totals = new Map(mtd.data?.totals.map((t) => [t.dimension, t.quantity]));
  return (
    <Card data-testid="usage-summary">
      <CardHeader>
        <CardTitle>Usage this month</CardTitle>
        <CardDescription>
          Since{" "}
          {mtd.data
            ? mtd.data.from.toLocaleDateString("en-GB", { timeZone: "UTC", dateStyle: "medium" })
            : "…"}{" "}
          (UTC), the current billing period ·{" "}
          <Link className="text-primary hover:underline" href={`/clusters/${clusterId}/usage`}>
            charts and CSV
          </Link>
        </CardDescription>
      </CardHeader>
      <CardContent>
        <dl className="grid grid-cols-2 gap-4 sm:grid-cols-3 xl:grid-cols-5">
          {usageDimensions.map((d) => (
            <div key={d}>
              <dt className="text-xs uppercase tracking-wide text-muted-foreground">
                {usageDimensionInfo[d].label}
              </dt>
              <dd className="mt-0.5 text-sm font-medium tabular-nums">
                {mtd.data ? formatUsage(d, totals.get(d) ?? 0n) : "…"}
              </dd>
            </div>
          ))}
        </dl>
      </CardContent>
    </Card>
  );
}
