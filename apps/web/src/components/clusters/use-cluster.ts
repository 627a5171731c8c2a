"use client";
import { useQuery } from "@tanstack/react-query";
import { useTRPC } from "@/lib/trpc/client";
import { roleAllows } from "@/server/organizations/roles";

/** The cluster a page is about (refreshed every few seconds) and whether the caller may change it. */
export function useCluster(clusterId: string) {
  const trpc = useTRPC();
  const cluster = useQuery(
    trpc.clusters.get.queryOptions({ clusterId }, { refetchInterval: 5_000 }),
  );
  return { cluster, canWrite: cluster.data ? roleAllows(cluster.data.role, "write") : false };
}
