"use client";
import Link from "next/link";
import { usePathname } from "next/navigation";
import { Breadcrumbs } from "@/components/shell/page-header";
import { Button } from "@/components/ui/button";
import { Skeleton } from "@/components/ui/skeleton";
import { cn } from "@/lib/cn";
import { formatDate } from "@/lib/format";
import { ClusterStatus } from "./cluster-list";
import { useCluster } from "./use-cluster";

const tabs = [
  { path: "", label: "Overview" },
  { path: "/topics", label: "Topics" },
  { path: "/groups", label: "Consumer groups" },
  { path: "/metrics", label: "Metrics" },
  { path: "/quotas", label: "Quotas" },
  { path: "/usage", label: "Usage" },
  { path: "/credentials", label: "Credentials" },
  { path: "/acls", label: "ACLs" },
  { path: "/agent-keys", label: "Agent keys" },
  { path: "/connect", label: "Connect" },
  { path: "/settings", label: "Settings" },
];

/** Name, status and tabs shared by every page of one cluster. */
export function ClusterHeader({ clusterId }: { clusterId: string }) {
  const pathname = usePathname();
  const { cluster } = useCluster(clusterId);
  const base = `/clusters/${clusterId}`;
  // The page below reports the error (e.g. a cluster of another organization).
  if (cluster.error) return null;
  const c = cluster.data;
  return (
    <header className="mb-6 grid gap-4">
      <div className="flex flex-wrap items-end justify-between gap-4">
        <div className="grid gap-1.5">
          <Breadcrumbs
            crumbs={[{ label: "Clusters", href: "/clusters" }, { label: c?.name ?? "…" }]}
          />
          {c ? (
            <h1 className="flex items-center gap-3 text-2xl font-semibold tracking-tight">
              {c.name} <ClusterStatus liveAgents={c.agents.length} />
            </h1>
          ) : (
            <Skeleton className="h-8 w-64" />
          )}
          <p className="text-sm text-muted-foreground">
            {c ? `Virtual cluster · ${c.region} · created ${formatDate(c.createdAt)}` : " "}
          </p>
        </div>
        <Button asChild variant="outline">
          <Link href={`${base}/connect`}>Connect a client</Link>
        </Button>
      </div>
      <nav className="flex gap-1 overflow-x-auto border-b" aria-label="Cluster">
        {tabs.map((tab) => {
          const href = `${base}${tab.path}`;
          const active = tab.path === "" ? pathname === base : pathname.startsWith(href);
          return (
            <Link
              key={tab.label}
              href={href}
              aria-current={active ? "page" : undefined}
              className={cn(
                // Inset: the scrolling tab bar would clip an outer focus ring.
                "-mb-px whitespace-nowrap border-b-2 px-3 py-2 text-sm font-medium text-muted-foreground outline-offset-[-2px] hover:text-foreground",
                active ? "border-primary text-foreground" : "border-transparent",
              )}
            >
              {tab.label}
            </Link>
          );
        })}
      </nav>
    </header>
  );
}
