import { ClusterOverview } from "@/components/clusters/cluster-overview";

export default async function ClusterPage({ params }: { params: Promise<{ clusterId: string }> }) {
  const { clusterId } = await params;
  return <ClusterOverview clusterId={clusterId} />;
}
