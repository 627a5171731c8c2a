"use client";
import { useQuery } from "@tanstack/react-query";
import { Gauge } from "lucide-react";
import { PageHeader } from "@/components/shell/page-header";
import { QueryError, TableSkeleton } from "@/components/shell/query-state";
import { DataTable, type Column } from "@/components/ui/data-table";
import { EmptyState } from "@/components/ui/empty-state";
import { useTRPC } from "@/lib/trpc/client";
import type { ClusterQuota } from "@/server/quotas/cluster-quotas";

const byteRates = new Set(["producer_byte_rate", "consumer_byte_rate"]);

function entityLabel(quota: ClusterQuota): string {
  return quota.entity.map((p) => `${p.type} ${p.name === null ? "(default)" : p.name}`).join(", ");
}

function valueLabel(key: string, value: number): string {
  if (byteRates.has(key)) return `${key} ${(value / 1024 / 1024).toPrecision(3)} MiB/s`;
  return `${key} ${value}`;
}

const quotaColumns: Column<ClusterQuota>[] = [
  { key: "entity", header: "Entity", cell: entityLabel, sortValue: entityLabel },
  {
    key: "values",
    header: "Quotas",
    cell: (q) => q.values.map((v) => valueLabel(v.key, v.value)).join(" · "),
    wrap: true,
  },
];

const throttleColumns: Column<{ agentId: string; throttleMs: number }>[] = [
  { key: "agent", header: "Agent", cell: (r) => r.agentId },
  {
    key: "throttled",
    header: "Throttled (s)",
    cell: (r) => (r.throttleMs / 1000).toFixed(1),
    sortValue: (r) => r.throttleMs,
    align: "right",
  },
];

/**
 * The client quotas set with Kafka tooling (kafka-configs --alter --entity-type users/clients)
 * and the time agents muted this cluster's connections for exceeding them in the last hour.
 */
export function ClusterQuotasPage({ clusterId }: { clusterId: string }) {
  const trpc = useTRPC();
  const quotas = useQuery(
    trpc.quotas.cluster.queryOptions({ clusterId }, { refetchInterval: 15_000 }),
  );
  return (
    <>
      <PageHeader
        level={2}
        title="Quotas"
        description="Byte-rate and request-rate quotas per user and client id, enforced by every agent as Kafka does: a client over its quota is slowed down (throttle_time_ms), never refused."
      />
      {quotas.isPending ? (
        <TableSkeleton />
      ) : quotas.error ? (
        <QueryError error={quotas.error} />
      ) : (
        <div className="grid gap-6">
          {quotas.data.quotas.length === 0 ? (
            <EmptyState
              icon={Gauge}
              title="No client quotas"
              description="Set them with kafka-configs --alter --add-config producer_byte_rate=1048576 --entity-type users --entity-name <user>, or any AlterClientQuotas client."
            />
          ) : (
            <DataTable
              rows={quotas.data.quotas}
              columns={quotaColumns}
              rowKey={entityLabel}
              testId="quotas-table"
            />
          )}
          <section>
            <h3 className="mb-2 font-medium">Throttled time, last hour</h3>
            {quotas.data.throttled.length === 0 ? (
              <p className="text-sm text-muted-foreground">No agent reported throttling.</p>
            ) : (
              <DataTable
                rows={quotas.data.throttled}
                columns={throttleColumns}
                rowKey={(r) => r.agentId}
                testId="throttle-table"
              />
            )}
          </section>
        </div>
      )}
    </>
  );
}
