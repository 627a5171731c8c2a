"use client";
import { useQuery } from "@tanstack/react-query";
import type { Crumb } from "@/components/shell/page-header";
import { useTRPC } from "@/lib/trpc/client";
import { roleAllows } from "@/server/organizations/roles";

/** The cluster a page is about, and the breadcrumbs leading to it. */
export function useCluster(clusterId: string) {
  const trpc = useTRPC();
  const cluster = useQuery(
    trpc.clusters.get.queryOptions({ clusterId }, { refetchInterval: 5_000 }),
  );
  const crumbs: Crumb[] = [
    { label: "Clusters", href: "/clusters" },
    { label: cluster.data?.name ?? "…", href: `/clusters/${clusterId}` },
  ];
  return {
    cluster,
    crumbs,
    canWrite: cluster.data ? roleAllows(cluster.data.role, "write") : false,
  };
}
