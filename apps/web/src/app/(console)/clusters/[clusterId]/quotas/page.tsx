import type { Metadata } from "next";
import { ClusterQuotasPage } from "@/components/quotas/cluster-quotas-page";

export const metadata: Metadata = { title: "Quotas" };

export default async function ClusterQuotasRoute({
  params,
}: {
  params: Promise<{ clusterId: string }>;
}) {
  const { clusterId } = await params;
  return <ClusterQuotasPage clusterId={clusterId} />;
}
