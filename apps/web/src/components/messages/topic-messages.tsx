"use client";
import { useQuery } from "@tanstack/react-query";
import { useCluster } from "@/components/clusters/use-cluster";
import { PageHeader } from "@/components/shell/page-header";
import { QueryError, TableSkeleton } from "@/components/shell/query-state";
import { TopicTabs } from "@/components/topics/topic-tabs";
import { useTRPC } from "@/lib/trpc/client";
import { MessageBrowser } from "./message-browser";
import { ProduceMessageDialog } from "./produce-message-dialog";

/** The Messages tab of a topic: read with the browser, and produce when the role allows. */
export function TopicMessages({ clusterId, name }: { clusterId: string; name: string }) {
  const trpc = useTRPC();
  const { canWrite } = useCluster(clusterId);
  const topic = useQuery(trpc.topics.get.queryOptions({ clusterId, name }));
  const partitionCount = topic.data?.partitions.length ?? 0;
  return (
    <>
      <PageHeader
        level={2}
        crumbs={[{ label: "Topics", href: `/clusters/${clusterId}/topics` }, { label: name }]}
        title={<span className="font-mono">{name}</span>}
        description="Messages read through an agent of the cluster, as a Kafka consumer without a group"
        actions={
          canWrite && topic.data ? (
            <ProduceMessageDialog
              clusterId={clusterId}
              topic={name}
              partitionCount={partitionCount}
            />
          ) : undefined
        }
      />
      <TopicTabs clusterId={clusterId} name={name} />
      {topic.isPending ? (
        <TableSkeleton />
      ) : topic.error ? (
        <QueryError error={topic.error} />
      ) : (
        <MessageBrowser clusterId={clusterId} topic={name} partitionCount={partitionCount} />
      )}
    </>
  );
}
