import { TopicMessages } from "@/components/messages/topic-messages";

export default async function TopicMessagesPage({
  params,
}: {
  params: Promise<{ clusterId: string; topic: string }>;
}) {
  const { clusterId, topic } = await params;
  return <TopicMessages clusterId={clusterId} name={decodeURIComponent(topic)} />;
}
