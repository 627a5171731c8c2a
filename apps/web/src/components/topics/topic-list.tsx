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

/** Topics per page; the server pages and searches, so 10,000 topics load as fast as 10. */
const pageSize = 50;

export function TopicList({ clusterId }: { clusterId: string }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const { cluster, canWrite } = useCluster(clusterId);
  const [search, setSearch] = useState("");
  const deferred = useDeferredValue(search.trim());
  // Cursors of the pages before this one: Previous pops, Next pushes, a new search starts over.
  const [cursors, setCursors] = useState<{ search: string; stack: string[] }>({
    search: "",
    stack: [],
  });
  const stack = cursors.search === deferred ? cursors.stack : [];
  const topics = useQuery(
    trpc.topics.list.queryOptions(
      { clusterId, search: deferred || undefined, cursor: stack.at(-1), limit: pageSize },
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
      ) : topics.data.topics.length === 0 ? (
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
        <>
          <DataTable
            testId="topics-table"
            rows={topics.data.topics}
            rowKey={(t) => t.id}
            pageSize={pageSize}
            columns={[
              {
                key: "name",
                header: "Topic",
                // Long dotted names wrap anywhere rather than push the other columns out.
                wrap: true,
                cell: (t) => (
                  <Link
                    href={`/clusters/${clusterId}/topics/${encodeURIComponent(t.name)}`}
                    className="font-medium text-primary [overflow-wrap:anywhere] hover:underline"
                  >
                    {t.name}
                  </Link>
                ),
              },
              {
                key: "partitions",
                header: "Partitions",
                align: "right",
                cell: (t) => t.partitionCount,
              },
              {
                key: "hwm",
                header: "High watermark",
                align: "right",
                cell: (t) => formatCount(t.highWatermark),
              },
              {
                key: "messages",
                header: "Messages",
                align: "right",
                cell: (t) => formatCount(t.messages),
              },
              {
                key: "bytes",
                header: "Stored",
                align: "right",
                cell: (t) => formatBytes(t.storedBytes),
              },
              {
                key: "throughput",
                header: "In (5 min)",
                align: "right",
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
                cell: (t) => formatRetention(t.retentionMs),
              },
              {
                key: "created",
                header: "Created",
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
          <Pager
            first={stack.length * pageSize + 1}
            shown={topics.data.topics.length}
            total={topics.data.total}
            onPrevious={
              stack.length > 0
                ? () => setCursors({ search: deferred, stack: stack.slice(0, -1) })
                : null
            }
            onNext={
              topics.data.nextCursor
                ? () => setCursors({ search: deferred, stack: [...stack, topics.data.nextCursor!] })
                : null
            }
          />
        </>
      )}
    </>
  );
}

/** Pages of the server's keyset-paged topic list. */
function Pager({
  first,
  shown,
  total,
  onPrevious,
  onNext,
}: {
  first: number;
  shown: number;
  total: number;
  onPrevious: (() => void) | null;
  onNext: (() => void) | null;
}) {
  return (
    <div className="mt-2 flex items-center justify-between px-1 text-xs text-muted-foreground">
      <span aria-live="polite" data-testid="topics-range">
        {formatCount(first)}–{formatCount(first + shown - 1)} of {formatCount(total)}
      </span>
      <div className="flex gap-2">
        <Button variant="outline" size="sm" disabled={!onPrevious} onClick={() => onPrevious?.()}>
          Previous
        </Button>
        <Button variant="outline" size="sm" disabled={!onNext} onClick={() => onNext?.()}>
          Next
        </Button>
      </div>
    </div>
  );
}
