import type { Metadata } from "next";
import { ClusterSettings } from "@/components/clusters/cluster-settings";

export const metadata: Metadata = { title: "Cluster settings" };

export default async function ClusterSettingsPage({
  params,
}: {
  params: Promise<{ clusterId: string }>;
}) {
  const { clusterId } = await params;
  return <ClusterSettings clusterId={clusterId} />;
}
