import type { Metadata } from "next";
import { TopicList } from "@/components/topics/topic-list";

export const metadata: Metadata = { title: "Topics" };

export default async function TopicsPage({ params }: { params: Promise<{ clusterId: string }> }) {
  const { clusterId } = await params;
  return <TopicList clusterId={clusterId} />;
}
