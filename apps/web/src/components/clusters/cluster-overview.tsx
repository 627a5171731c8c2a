"use client";
import { Cpu } from "lucide-react";
import { CostComparison } from "@/components/billing/cost-comparison";
import Link from "next/link";
import { QueryError, TableSkeleton } from "@/components/shell/query-state";
import { Badge } from "@/components/ui/badge";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { CopyField } from "@/components/ui/copy-button";
import { DataTable } from "@/components/ui/data-table";
import { EmptyState } from "@/components/ui/empty-state";
import { useQuery } from "@tanstack/react-query";
import { formatAgo, formatBytes, formatCount, formatRetention } from "@/lib/format";
import { useTRPC } from "@/lib/trpc/client";
import { UsageSummary } from "@/components/usage/usage-summary";
import { useCluster } from "./use-cluster";

function Fact({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <div>
      <dt className="text-xs uppercase tracking-wide text-muted-foreground">{label}</dt>
      <dd className="mt-0.5 text-sm font-medium">{children}</dd>
    </div>
  );
}

function Stat({ label, value, href }: { label: string; value: string; href: string }) {
  return (
    <Link
      href={href}
      className="rounded-lg border bg-background px-4 py-3 shadow-sm transition-colors hover:border-primary/40"
    >
      <p className="text-xs uppercase tracking-wide text-muted-foreground">{label}</p>
      <p className="mt-1 text-xl font-semibold tabular-nums">{value}</p>
    </Link>
  );
}

function ClusterStats({ clusterId }: { clusterId: string }) {
  const trpc = useTRPC();
  const stats = useQuery(
    trpc.clusters.stats.queryOptions({ clusterId }, { refetchInterval: 10_000 }),
  );
  const s = stats.data;
  const base = `/clusters/${clusterId}`;
  return (
    <div
      className="grid grid-cols-2 gap-3 md:grid-cols-3 xl:grid-cols-6"
      data-testid="cluster-stats"
    >
      <Stat label="Topics" value={s ? formatCount(s.topics) : "…"} href={`${base}/topics`} />
      <Stat
        label="Partitions"
        value={s ? formatCount(s.partitions) : "…"}
        href={`${base}/topics`}
      />
      <Stat
        label="Records produced"
        value={s ? formatCount(s.recordsProduced) : "…"}
        href={`${base}/topics`}
      />
      <Stat label="Stored" value={s ? formatBytes(s.storedBytes) : "…"} href={`${base}/topics`} />
      <Stat
        label="Consumer groups"
        value={s ? formatCount(s.consumerGroups) : "…"}
        href={`${base}/groups`}
      />
      <Stat
        label="Credentials"
        value={s ? formatCount(s.activeCredentials) : "…"}
        href={`${base}/credentials`}
      />
    </div>
  );
}

export function ClusterOverview({ clusterId }: { clusterId: string }) {
  const { cluster } = useCluster(clusterId);
  if (cluster.isPending) return <TableSkeleton />;
  if (cluster.error) return <QueryError error={cluster.error} />;
  const c = cluster.data;
  const agentRows = [
    ...c.agents.map((a) => ({ ...a, live: true })),
    ...c.unresponsiveAgents.map((a) => ({ ...a, live: false })),
  ];
  return (
    <>
      <div className="grid gap-6">
        <ClusterStats clusterId={clusterId} />
        <UsageSummary clusterId={clusterId} />
        <CostComparison clusterId={clusterId} />
        <div className="grid gap-6 lg:grid-cols-2">
          <Card>
            <CardHeader>
              <CardTitle>Bootstrap address</CardTitle>
              <CardDescription>
                Point any Kafka client here and authenticate with a credential of this cluster.
              </CardDescription>
            </CardHeader>
            <CardContent className="grid gap-3">
              <CopyField
                value={c.bootstrapAddress}
                label="bootstrap address"
                testId="bootstrap-address"
              />
              <p className="text-xs text-muted-foreground">
                SASL mechanisms: SCRAM-SHA-256, SCRAM-SHA-512, PLAIN ·{" "}
                <Link
                  className="text-primary hover:underline"
                  href={`/clusters/${c.id}/credentials`}
                >
                  manage credentials
                </Link>
              </p>
            </CardContent>
          </Card>
          <Card>
            <CardHeader>
              <CardTitle>Settings</CardTitle>
              <CardDescription>
                <Link className="text-primary hover:underline" href={`/clusters/${c.id}/settings`}>
                  Change settings
                </Link>
              </CardDescription>
            </CardHeader>
            <CardContent>
              <dl className="grid grid-cols-2 gap-4 sm:grid-cols-3">
                <Fact label="Auto-create topics">{c.autoCreateTopics ? "On" : "Off"}</Fact>
                <Fact label="Default partitions">{c.defaultPartitions}</Fact>
                <Fact label="Default retention">{formatRetention(c.defaultRetentionMs)}</Fact>
                <Fact label="Require SASL">{c.requireSasl ? "Yes" : "No"}</Fact>
                <Fact label="Deletion protection">{c.deletionProtection ? "On" : "Off"}</Fact>
                <Fact label="Cluster id">
                  <code className="break-all font-mono text-xs">{c.id}</code>
                </Fact>
              </dl>
            </CardContent>
          </Card>
        </div>
        <section className="grid gap-3">
          <h2 className="text-lg font-semibold">Agents</h2>
          {c.unresponsiveAgents.length > 0 && (
            <p className="text-sm text-muted-foreground" data-testid="unresponsive-agents">
              {c.unresponsiveAgents.length === 1
                ? "1 agent has stopped heartbeating"
                : `${c.unresponsiveAgents.length} agents have stopped heartbeating`}
              {c.agents.length > 0
                ? ": clients are served by the live ones"
                : ": no agent serves this cluster until one is back"}
              . An agent that comes back rejoins by itself (the local platform restarts its agents).
            </p>
          )}
          {agentRows.length === 0 ? (
            <EmptyState
              icon={Cpu}
              title="No live agents"
              description="No agent has sent a heartbeat in the last few seconds. Start one with `npm run agent` or create an agent key for a bring-your-own-cloud agent."
            />
          ) : (
            <DataTable
              testId="agents-table"
              rows={agentRows}
              rowKey={(a) => a.id}
              columns={[
                {
                  key: "status",
                  header: "Status",
                  sortValue: (a) => (a.live ? 0 : 1),
                  cell: (a) =>
                    a.live ? (
                      <Badge variant="success">Serving</Badge>
                    ) : (
                      <Badge variant="warning">Not responding</Badge>
                    ),
                },
                {
                  key: "id",
                  header: "Agent",
                  sortValue: (a) => a.id,
                  cell: (a) => <code className="font-mono text-xs">{a.id}</code>,
                },
                { key: "zone", header: "Zone", sortValue: (a) => a.zone, cell: (a) => a.zone },
                {
                  key: "address",
                  header: "Address",
                  cell: (a) => <code className="font-mono text-xs">{`${a.host}:${a.port}`}</code>,
                },
                {
                  key: "roles",
                  header: "Roles",
                  cell: (a) =>
                    a.roles.map((r) => (
                      <Badge key={r} variant="muted" className="mr-1">
                        {r}
                      </Badge>
                    )),
                },
                {
                  key: "mode",
                  header: "Mode",
                  cell: (a) => (a.clusterId ? "Dedicated" : "Shared"),
                },
                {
                  key: "version",
                  header: "Version",
                  sortValue: (a) => a.version,
                  cell: (a) => a.version,
                },
                {
                  key: "started",
                  header: "Started",
                  sortValue: (a) => a.startedAt.getTime(),
                  cell: (a) => (
                    <span data-testid="agent-started" title={a.startedAt.toISOString()}>
                      {formatAgo(a.startedAt)}
                    </span>
                  ),
                },
                {
                  key: "heartbeat",
                  header: "Last heartbeat",
                  sortValue: (a) => a.lastHeartbeatAt.getTime(),
                  cell: (a) => formatAgo(a.lastHeartbeatAt),
                },
              ]}
            />
          )}
        </section>
      </div>
    </>
  );
}
