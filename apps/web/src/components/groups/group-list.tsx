"use client";
import { useQuery } from "@tanstack/react-query";
import { Boxes } from "lucide-react";
import Link from "next/link";
import { PageHeader } from "@/components/shell/page-header";
import { QueryError, TableSkeleton } from "@/components/shell/query-state";
import { DataTable } from "@/components/ui/data-table";
import { EmptyState } from "@/components/ui/empty-state";
import { formatAgo, formatCount } from "@/lib/format";
import { useTRPC } from "@/lib/trpc/client";
import { GroupState } from "./group-state";

export function GroupList({ clusterId }: { clusterId: string }) {
  const trpc = useTRPC();
  const groups = useQuery(trpc.groups.list.queryOptions({ clusterId }, { refetchInterval: 5_000 }));
  return (
    <>
      <PageHeader
        level={2}
        title="Consumer groups"
        description="Lag is the high watermark minus the committed offset, summed over partitions."
      />
      {groups.isPending ? (
        <TableSkeleton />
      ) : groups.error ? (
        <QueryError error={groups.error} />
      ) : groups.data.length === 0 ? (
        <EmptyState
          icon={Boxes}
          title="No consumer groups yet"
          description="Groups appear as soon as a consumer with a group.id joins or commits offsets."
        />
      ) : (
        <DataTable
          testId="groups-table"
          rows={groups.data}
          rowKey={(g) => g.groupId}
          columns={[
            {
              key: "group",
              header: "Group",
              sortValue: (g) => g.groupId,
              cell: (g) => (
                <Link
                  href={`/clusters/${clusterId}/groups/${encodeURIComponent(g.groupId)}`}
                  className="font-medium text-primary hover:underline"
                >
                  {g.groupId}
                </Link>
              ),
            },
            {
              key: "state",
              header: "State",
              sortValue: (g) => g.state,
              cell: (g) => <GroupState state={g.state} />,
            },
            {
              key: "members",
              header: "Members",
              align: "right",
              sortValue: (g) => g.members,
              cell: (g) => g.members,
            },
            { key: "topics", header: "Topics", cell: (g) => g.topics.join(", ") || "—" },
            {
              key: "lag",
              header: "Lag",
              align: "right",
              sortValue: (g) => g.lag,
              cell: (g) => formatCount(g.lag),
            },
            {
              key: "updated",
              header: "Last activity",
              sortValue: (g) => g.updatedAt?.getTime() ?? 0,
              cell: (g) => formatAgo(g.updatedAt),
            },
          ]}
        />
      )}
    </>
  );
}
