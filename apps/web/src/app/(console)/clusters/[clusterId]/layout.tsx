import type { ReactNode } from "react";
import { ClusterHeader } from "@/components/clusters/cluster-header";

export default async function ClusterLayout({
  children,
  params,
}: {
  children: ReactNode;
  params: Promise<{ clusterId: string }>;
}) {
  const { clusterId } = await params;
  return (
    <>
      <ClusterHeader clusterId={clusterId} />
      {children}
    </>
  );
}
