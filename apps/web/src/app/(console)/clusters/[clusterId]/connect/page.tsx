import type { Metadata } from "next";
import { Suspense } from "react";
import { ConnectPage } from "@/components/connect/connect-page";
import { TableSkeleton } from "@/components/shell/query-state";

export const metadata: Metadata = { title: "Connect" };

export default async function ClusterConnectPage({
  params,
}: {
  params: Promise<{ clusterId: string }>;
}) {
  const { clusterId } = await params;
  return (
    // useSearchParams renders on the client only: without a fallback the tab is blank until then.
    <Suspense fallback={<TableSkeleton rows={6} />}>
      <ConnectPage clusterId={clusterId} />
    </Suspense>
  );
}
