"use client";
import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { QueryError, TableSkeleton } from "@/components/shell/query-state";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import { useTRPC } from "@/lib/trpc/client";
import {
  defaultSelfHostedAssumptions,
  selfHostedKafkaCost,
  type SelfHostedAssumptions,
} from "@/server/billing/cost-comparison";
import { displayMoney, displayQuantity, periodLabel } from "@/server/billing/render/labels";

const assumptionLabels: Record<keyof SelfHostedAssumptions, string> = {
  interZonePerGiB: "Inter-zone transfer, $/GiB",
  replicationFactor: "Replication factor",
  crossZoneShare: "Share of clients' traffic crossing zones",
  compressionRatio: "Compression ratio",
  brokers: "Brokers",
  brokerMonthly: "Broker instance, $/month",
  diskPerGiBMonth: "Disk, $/GiB-month",
  diskTargetUtilization: "Disk target utilization",
};

const isNumber = (v: string) => /^\d+(\.\d+)?$/.test(v) && Number(v) > 0;

/** This month's traffic priced as self-hosted three-zone Kafka next to Streambed's charge. */
export function CostComparison({ clusterId }: { clusterId: string }) {
  const trpc = useTRPC();
  const cost = useQuery(trpc.billing.clusterCost.queryOptions({ clusterId }));
  const [assumptions, setAssumptions] = useState(defaultSelfHostedAssumptions);
  if (cost.isPending) return <TableSkeleton rows={2} />;
  if (cost.error) return <QueryError error={cost.error} />;
  const valid = Object.values(assumptions).every(isNumber);
  const selfHosted = valid ? selfHostedKafkaCost(cost.data.traffic, assumptions) : null;
  const { traffic } = cost.data;
  return (
    <Card data-testid="cost-comparison">
      <CardHeader>
        <CardTitle>Cost comparison: {periodLabel(cost.data.periodStart)}</CardTitle>
        <CardDescription>
          This month&apos;s traffic ({displayQuantity(traffic.writtenGiB)} GiB written,{" "}
          {displayQuantity(traffic.readGiB)} GiB read, {displayQuantity(traffic.storedGiBMonths)}{" "}
          GiB-months stored) on self-hosted Kafka across three zones, with the assumptions below.
        </CardDescription>
      </CardHeader>
      <CardContent className="grid gap-6 lg:grid-cols-2">
        <dl className="grid grid-cols-[1fr_auto] content-start gap-y-1 text-sm tabular-nums">
          {selfHosted?.lines.map((l) => (
            <div key={l.label} className="contents">
              <dt className="text-muted-foreground">{l.label}</dt>
              <dd className="text-right">{displayMoney(l.amount)}</dd>
            </div>
          ))}
          <dt className="mt-2 font-semibold">Self-hosted Kafka</dt>
          <dd className="mt-2 text-right font-semibold" data-testid="self-hosted-total">
            {selfHosted ? displayMoney(selfHosted.total) : "—"}
          </dd>
          <dt className="font-semibold">Streambed (list price, before credits)</dt>
          <dd className="text-right font-semibold">{displayMoney(cost.data.streambedCost)}</dd>
        </dl>
        <div className="grid grid-cols-2 gap-3">
          {(Object.keys(assumptionLabels) as (keyof SelfHostedAssumptions)[]).map((key) => (
            <div key={key} className="grid gap-1">
              <Label htmlFor={`assume-${key}`} className="text-xs">
                {assumptionLabels[key]}
              </Label>
              <Input
                id={`assume-${key}`}
                inputMode="decimal"
                value={assumptions[key]}
                aria-invalid={!isNumber(assumptions[key])}
                onChange={(e) => setAssumptions({ ...assumptions, [key]: e.target.value })}
              />
            </div>
          ))}
        </div>
      </CardContent>
    </Card>
  );
}
