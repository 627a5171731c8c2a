import type { Metadata } from "next";
import { ClusterMetricsPage } from "@/components/metrics/cluster-metrics-page";

export const metadata: Metadata = { title: "Metrics" };

export default async function ClusterMetricsRoute({
  params,
}: {
  params: Promise<{ clusterId: string }>;
}) {
  const { clusterId } = await params;
  return <ClusterMetricsPage clusterId={clusterId} />;
}
