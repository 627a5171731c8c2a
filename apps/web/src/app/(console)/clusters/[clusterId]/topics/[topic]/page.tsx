import { TopicDetail } from "@/components/topics/topic-detail";

export default async function TopicPage({
  params,
}: {
  params: Promise<{ clusterId: string; topic: string }>;
}) {
  const { clusterId, topic } = await params;
  return <TopicDetail clusterId={clusterId} name={decodeURIComponent(topic)} />;
}
