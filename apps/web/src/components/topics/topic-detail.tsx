"use client";
import { useQuery } from "@tanstack/react-query";
import { useCluster } from "@/components/clusters/use-cluster";
import { PageHeader } from "@/components/shell/page-header";
import { QueryError, TableSkeleton } from "@/components/shell/query-state";
import { DataTable } from "@/components/ui/data-table";
import { TopicTabs } from "./topic-tabs";
import { formatBytes, formatCount, formatDate } from "@/lib/format";
import { useTRPC } from "@/lib/trpc/client";
import { TopicActions } from "./topic-actions";
import { TopicConfigs } from "./topic-configs";

export function TopicDetail({ clusterId, name }: { clusterId: string; name: string }) {
  const trpc = useTRPC();
  const { canWrite } = useCluster(clusterId);
  const topic = useQuery(
    trpc.topics.get.queryOptions({ clusterId, name }, { refetchInterval: 5_000 }),
  );
  const header = (
    <PageHeader
      level={2}
      crumbs={[{ label: "Topics", href: `/clusters/${clusterId}/topics` }, { label: name }]}
      title={<span className="font-mono">{name}</span>}
      description={
        topic.data
          ? `Topic id ${topic.data.id} · created ${formatDate(topic.data.createdAt)}`
          : undefined
      }
      actions={
        canWrite && topic.data ? (
          <TopicActions
            clusterId={clusterId}
            topic={name}
            partitionCount={topic.data.partitions.length}
          />
        ) : null
      }
    />
  );
  if (topic.isPending)
    return (
      <>
        {header}
        <TableSkeleton />
      </>
    );
  if (topic.error)
    return (
      <>
        {header}
        <QueryError error={topic.error} />
      </>
    );
  const t = topic.data;
  const total = t.partitions.reduce((s, p) => s + p.highWatermark, 0n);
  return (
    <>
      {header}
      <TopicTabs clusterId={clusterId} name={name} />
      <div className="grid gap-6 lg:grid-cols-[1fr_320px]">
        <section className="grid content-start gap-3">
          <h2 className="text-lg font-semibold">
            Partitions{" "}
            <span className="text-sm font-normal text-muted-foreground">
              · {formatCount(total)} records produced in total
            </span>
          </h2>
          <DataTable
            testId="partitions-table"
            rows={t.partitions}
            rowKey={(p) => String(p.partition)}
            pageSize={50}
            columns={[
              {
                key: "partition",
                header: "Partition",
                sortValue: (p) => p.partition,
                cell: (p) => p.partition,
              },
              {
                key: "start",
                header: "Log start offset",
                align: "right",
                sortValue: (p) => p.logStartOffset,
                cell: (p) => formatCount(p.logStartOffset),
              },
              {
                key: "hwm",
                header: "High watermark",
                align: "right",
                sortValue: (p) => p.highWatermark,
                cell: (p) => formatCount(p.highWatermark),
              },
              {
                key: "messages",
                header: "Messages",
                align: "right",
                sortValue: (p) => p.highWatermark - p.logStartOffset,
                cell: (p) => formatCount(p.highWatermark - p.logStartOffset),
              },
              {
                key: "bytes",
                header: "Stored",
                align: "right",
                sortValue: (p) => p.storedBytes,
                cell: (p) => formatBytes(p.storedBytes),
              },
              { key: "epoch", header: "Leader epoch", align: "right", cell: (p) => p.leaderEpoch },
            ]}
          />
        </section>
        <TopicConfigs
          clusterId={clusterId}
          topic={name}
          configs={t.describedConfigs}
          canWrite={canWrite}
        />
      </div>
    </>
  );
}
