"use client";
import { useMutation, useQuery } from "@tanstack/react-query";
import { Trash2 } from "lucide-react";
import { useRouter } from "next/navigation";
import { toast } from "sonner";
import { useCluster } from "@/components/clusters/use-cluster";
import { PageHeader } from "@/components/shell/page-header";
import { QueryError, TableSkeleton } from "@/components/shell/query-state";
import { Button } from "@/components/ui/button";
import { Card, CardContent } from "@/components/ui/card";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { DataTable } from "@/components/ui/data-table";
import { formatAgo, formatCount } from "@/lib/format";
import { useTRPC } from "@/lib/trpc/client";
import { messageOf } from "@/lib/trpc/errors";
import { GroupState } from "./group-state";
import { ResetOffsetsDialog } from "./reset-offsets-dialog";

export function GroupDetail({ clusterId, groupId }: { clusterId: string; groupId: string }) {
  const trpc = useTRPC();
  const router = useRouter();
  const { canWrite } = useCluster(clusterId);
  const group = useQuery(
    trpc.groups.get.queryOptions({ clusterId, groupId }, { refetchInterval: 5_000 }),
  );
  const remove = useMutation(
    trpc.groups.delete.mutationOptions({
      onSuccess: () => {
        toast.success(`Consumer group ${groupId} deleted`);
        router.push(`/clusters/${clusterId}/groups`);
      },
      onError: (err) => toast.error(messageOf(err)),
    }),
  );
  const topics = [...new Set(group.data?.offsets.map((o) => o.topic) ?? [])];
  const header = (
    <PageHeader
      level={2}
      crumbs={[
        { label: "Consumer groups", href: `/clusters/${clusterId}/groups` },
        { label: groupId },
      ]}
      title={<span className="font-mono">{groupId}</span>}
      actions={
        canWrite && group.data ? (
          <div className="flex gap-2">
            <ResetOffsetsDialog clusterId={clusterId} groupId={groupId} topics={topics} />
            <ConfirmDialog
              trigger={
                <Button variant="outline">
                  <Trash2 /> Delete group
                </Button>
              }
              title={`Delete consumer group ${groupId}?`}
              description="Its committed offsets are removed. Refused while the group has active members."
              actionLabel="Delete group"
              confirmText={groupId}
              pending={remove.isPending}
              onConfirm={() => remove.mutateAsync({ clusterId, groupId }).catch(() => undefined)}
            />
          </div>
        ) : null
      }
    />
  );
  if (group.isPending)
    return (
      <>
        {header}
        <TableSkeleton />
      </>
    );
  if (group.error)
    return (
      <>
        {header}
        <QueryError error={group.error} />
      </>
    );
  const g = group.data;
  const totalLag = g.offsets.reduce((s, o) => s + (o.lag ?? 0n), 0n);
  return (
    <>
      {header}
      <div className="grid gap-6">
        <Card>
          <CardContent className="grid grid-cols-2 gap-4 sm:grid-cols-5">
            <div>
              <p className="text-xs uppercase text-muted-foreground">State</p>
              <GroupState state={g.state} />
            </div>
            <div>
              <p className="text-xs uppercase text-muted-foreground">Members</p>
              <p className="font-medium">{g.members.length}</p>
            </div>
            <div>
              <p className="text-xs uppercase text-muted-foreground">Assignor</p>
              <p className="font-medium">{g.protocol ?? "—"}</p>
            </div>
            <div>
              <p className="text-xs uppercase text-muted-foreground">Generation</p>
              <p className="font-medium">{g.generationId}</p>
            </div>
            <div>
              <p className="text-xs uppercase text-muted-foreground">Total lag</p>
              <p className="font-medium" data-testid="group-total-lag">
                {formatCount(totalLag)}
              </p>
            </div>
          </CardContent>
        </Card>
        <section className="grid gap-3">
          <h2 className="text-lg font-semibold">Committed offsets</h2>
          <DataTable
            testId="group-offsets-table"
            rows={g.offsets}
            rowKey={(o) => `${o.topic}/${o.partition}`}
            pageSize={50}
            columns={[
              {
                key: "topic",
                header: "Topic",
                sortValue: (o) => o.topic,
                cell: (o) => <span className="font-mono text-xs">{o.topic}</span>,
              },
              {
                key: "partition",
                header: "Partition",
                align: "right",
                sortValue: (o) => o.partition,
                cell: (o) => o.partition,
              },
              {
                key: "committed",
                header: "Committed offset",
                align: "right",
                sortValue: (o) => o.committedOffset,
                cell: (o) => formatCount(o.committedOffset),
              },
              {
                key: "hwm",
                header: "High watermark",
                align: "right",
                cell: (o) => (o.highWatermark === null ? "—" : formatCount(o.highWatermark)),
              },
              {
                key: "lag",
                header: "Lag",
                align: "right",
                sortValue: (o) => o.lag ?? -1n,
                cell: (o) => (o.lag === null ? "—" : formatCount(o.lag)),
              },
              {
                key: "at",
                header: "Committed",
                sortValue: (o) => o.committedAt.getTime(),
                cell: (o) => formatAgo(o.committedAt),
              },
            ]}
          />
        </section>
        {g.members.length > 0 && (
          <section className="grid gap-3">
            <h2 className="text-lg font-semibold">Members</h2>
            <DataTable
              rows={g.members}
              rowKey={(m) => m.memberId}
              columns={[
                {
                  key: "member",
                  header: "Member id",
                  cell: (m) => <span className="font-mono text-xs">{m.memberId}</span>,
                },
                { key: "client", header: "Client id", cell: (m) => m.clientId },
                { key: "host", header: "Host", cell: (m) => m.clientHost },
                {
                  key: "assignment",
                  header: "Assigned partitions",
                  wrap: true,
                  cell: (m) =>
                    m.assignment.length === 0
                      ? "—"
                      : m.assignment
                          .map((a) => `${a.topic} [${a.partitions.join(", ")}]`)
                          .join(" · "),
                },
              ]}
            />
          </section>
        )}
      </div>
    </>
  );
}
