"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { Layers, Search, Trash2 } from "lucide-react";
import Link from "next/link";
import { useDeferredValue, useState } from "react";
import { toast } from "sonner";
import { useCluster } from "@/components/clusters/use-cluster";
import { PageHeader } from "@/components/shell/page-header";
import { QueryError, TableSkeleton } from "@/components/shell/query-state";
import { Button } from "@/components/ui/button";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { DataTable } from "@/components/ui/data-table";
import { EmptyState } from "@/components/ui/empty-state";
import { Input } from "@/components/ui/input";
import { formatBytes, formatCount, formatDate, formatRate, formatRetention } from "@/lib/format";
import { useTRPC } from "@/lib/trpc/client";
import { messageOf } from "@/lib/trpc/errors";
import { CreateTopicDialog } from "./create-topic-dialog";

export function TopicList({ clusterId }: { clusterId: string }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const { cluster, canWrite } = useCluster(clusterId);
  const [search, setSearch] = useState("");
  const deferred = useDeferredValue(search.trim());
  const topics = useQuery(
    trpc.topics.list.queryOptions(
      { clusterId, search: deferred || undefined },
      { refetchInterval: 5_000, placeholderData: (prev) => prev },
    ),
  );
  const remove = useMutation(
    trpc.topics.delete.mutationOptions({
      onSuccess: async (_, { name }) => {
        await queryClient.invalidateQueries({ queryKey: trpc.topics.list.queryKey() });
        toast.success(`Topic ${name} deleted`);
      },
      onError: (err) => toast.error(messageOf(err)),
    }),
  );

  return (
    <>
      <PageHeader
        level={2}
        title="Topics"
        description="High watermarks and stored bytes come straight from the metadata store."
        actions={
          canWrite && cluster.data ? (
            <CreateTopicDialog
              clusterId={clusterId}
              defaultPartitions={cluster.data.defaultPartitions}
            />
          ) : null
        }
      />
      <div className="mb-4 flex items-center gap-2">
        <div className="relative w-full max-w-sm">
          <Search className="absolute left-2.5 top-2.5 size-4 text-muted-foreground" />
          <Input
            className="pl-8"
            placeholder="Search topics"
            value={search}
            onChange={(e) => setSearch(e.target.value)}
            aria-label="Search topics"
          />
        </div>
      </div>
      {topics.isPending ? (
        <TableSkeleton />
      ) : topics.error ? (
        <QueryError error={topics.error} />
      ) : topics.data.length === 0 ? (
        <EmptyState
          icon={Layers}
          title={deferred ? "No matching topics" : "No topics yet"}
          description={
            deferred
              ? `No topic name contains “${deferred}”.`
              : "Create one here, or let producers auto-create topics when the cluster allows it."
          }
        />
      ) : (
        <DataTable
          testId="topics-table"
          rows={topics.data}
          rowKey={(t) => t.id}
          initialSort={{ key: "name", direction: "asc" }}
          columns={[
            {
              key: "name",
              header: "Topic",
              sortValue: (t) => t.name,
              cell: (t) => (
                <Link
                  href={`/clusters/${clusterId}/topics/${encodeURIComponent(t.name)}`}
                  className="font-medium text-primary hover:underline"
                >
                  {t.name}
                </Link>
              ),
            },
            {
              key: "partitions",
              header: "Partitions",
              align: "right",
              sortValue: (t) => t.partitionCount,
              cell: (t) => t.partitionCount,
            },
            {
              key: "hwm",
              header: "High watermark",
              align: "right",
              sortValue: (t) => t.highWatermark,
              cell: (t) => formatCount(t.highWatermark),
            },
            {
              key: "messages",
              header: "Messages",
              align: "right",
              sortValue: (t) => t.messages,
              cell: (t) => formatCount(t.messages),
            },
            {
              key: "bytes",
              header: "Stored",
              align: "right",
              sortValue: (t) => t.storedBytes,
              cell: (t) => formatBytes(t.storedBytes),
            },
            {
              key: "throughput",
              header: "In (5 min)",
              align: "right",
              sortValue: (t) => t.bytesPerSecond,
              // Two short lines instead of one long one: the table fits its card at 1440 px.
              cell: (t) => (
                <>
                  <div>{formatRate(t.recordsPerSecond)} rec/s</div>
                  <div className="text-xs text-muted-foreground">
                    {formatBytes(Math.round(t.bytesPerSecond))}/s
                  </div>
                </>
              ),
            },
            {
              key: "retention",
              header: "Retention",
              sortValue: (t) => t.retentionMs,
              cell: (t) => formatRetention(t.retentionMs),
            },
            {
              key: "created",
              header: "Created",
              sortValue: (t) => t.createdAt.getTime(),
              cell: (t) => formatDate(t.createdAt),
            },
            {
              key: "actions",
              header: "",
              cell: (t) =>
                canWrite && (
                  <ConfirmDialog
                    trigger={
                      <Button variant="ghost" size="icon" aria-label={`Delete topic ${t.name}`}>
                        <Trash2 />
                      </Button>
                    }
                    title={`Delete topic ${t.name}?`}
                    description="Its partitions, offsets and committed group offsets are removed. Clients reading it get UNKNOWN_TOPIC_OR_PARTITION."
                    actionLabel="Delete topic"
                    confirmText={t.name}
                    pending={remove.isPending}
                    onConfirm={() =>
                      remove
                        .mutateAsync({ clusterId, name: t.name, confirmName: t.name })
                        .catch(() => undefined)
                    }
                  />
                ),
            },
          ]}
        />
      )}
    </>
  );
}
