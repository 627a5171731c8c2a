import { GroupDetail } from "@/components/groups/group-detail";

export default async function GroupPage({
  params,
}: {
  params: Promise<{ clusterId: string; group: string }>;
}) {
  const { clusterId, group } = await params;
  return <GroupDetail clusterId={clusterId} groupId={decodeURIComponent(group)} />;
}
