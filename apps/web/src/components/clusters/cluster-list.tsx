"use client";
import { useQuery } from "@tanstack/react-query";
import { Plus, Server } from "lucide-react";
import Link from "next/link";
import { PageHeader } from "@/components/shell/page-header";
import { QueryError, TableSkeleton } from "@/components/shell/query-state";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { DataTable } from "@/components/ui/data-table";
import { EmptyState } from "@/components/ui/empty-state";
import { formatDate } from "@/lib/format";
import { useTRPC } from "@/lib/trpc/client";
import { useOrganizationAccess } from "@/components/shell/use-organization-role";

export function ClusterStatus({ liveAgents }: { liveAgents: number }) {
  return liveAgents > 0 ? (
    <Badge variant="success">
      <span className="size-1.5 rounded-full bg-green-600" /> Running · {liveAgents} agent
      {liveAgents === 1 ? "" : "s"}
    </Badge>
  ) : (
    <Badge variant="warning">
      <span className="size-1.5 rounded-full bg-amber-600" /> No live agents
    </Badge>
  );
}

export function ClusterList() {
  const trpc = useTRPC();
  const clusters = useQuery(
    trpc.clusters.list.queryOptions(undefined, { refetchInterval: 10_000 }),
  );
  const canWrite = useOrganizationAccess("write");
  const create = canWrite && (
    <Button asChild>
      <Link href="/clusters/new">
        <Plus /> Create cluster
      </Link>
    </Button>
  );
  return (
    <>
      <PageHeader
        crumbs={[{ label: "Clusters" }]}
        title="Clusters"
        description="Virtual Kafka clusters of this organization"
        actions={create}
      />
      {clusters.isPending ? (
        <TableSkeleton />
      ) : clusters.error ? (
        <QueryError error={clusters.error} />
      ) : clusters.data.length === 0 ? (
        <EmptyState
          icon={Server}
          title="No clusters yet"
          description={
            canWrite
              ? "Create a virtual cluster, then connect any Kafka client to it."
              : "Ask an owner or admin of this organization to create one."
          }
          action={create}
        />
      ) : (
        <DataTable
          testId="clusters-table"
          rows={clusters.data}
          rowKey={(c) => c.id}
          columns={[
            {
              key: "name",
              header: "Name",
              sortValue: (c) => c.name,
              cell: (c) => (
                <Link
                  href={`/clusters/${c.id}`}
                  className="font-medium text-primary hover:underline"
                >
                  {c.name}
                </Link>
              ),
            },
            {
              key: "status",
              header: "Status",
              sortValue: (c) => c.liveAgentCount,
              cell: (c) => <ClusterStatus liveAgents={c.liveAgentCount} />,
            },
            { key: "region", header: "Region", sortValue: (c) => c.region, cell: (c) => c.region },
            {
              key: "topics",
              header: "Topics",
              align: "right",
              sortValue: (c) => c.topicCount,
              cell: (c) => c.topicCount,
            },
            {
              key: "bootstrap",
              header: "Bootstrap",
              cell: (c) => <code className="font-mono text-xs">{c.bootstrapAddress}</code>,
            },
            {
              key: "created",
              header: "Created",
              sortValue: (c) => c.createdAt.getTime(),
              cell: (c) => formatDate(c.createdAt),
            },
          ]}
        />
      )}
    </>
  );
}
