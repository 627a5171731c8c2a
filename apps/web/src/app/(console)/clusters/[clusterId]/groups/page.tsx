import type { Metadata } from "next";
import { GroupList } from "@/components/groups/group-list";

export const metadata: Metadata = { title: "Consumer groups" };

export default async function GroupsPage({ params }: { params: Promise<{ clusterId: string }> }) {
  const { clusterId } = await params;
  return <GroupList clusterId={clusterId} />;
}
