import type { Metadata } from "next";
import { Suspense } from "react";
import { ConnectPage } from "@/components/connect/connect-page";

export const metadata: Metadata = { title: "Connect" };

export default async function ClusterConnectPage({
  params,
}: {
  params: Promise<{ clusterId: string }>;
}) {
  const { clusterId } = await params;
  return (
    <Suspense>
      <ConnectPage clusterId={clusterId} />
    </Suspense>
  );
}
