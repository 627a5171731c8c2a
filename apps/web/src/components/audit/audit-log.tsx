"use client";
import { useInfiniteQuery } from "@tanstack/react-query";
import { ScrollText } from "lucide-react";
import { PageHeader } from "@/components/shell/page-header";
import { QueryError, TableSkeleton } from "@/components/shell/query-state";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { DataTable } from "@/components/ui/data-table";
import { EmptyState } from "@/components/ui/empty-state";
import { formatDate } from "@/lib/format";
import { useTRPC } from "@/lib/trpc/client";

function describe(metadata: Record<string, unknown>): string {
  return Object.entries(metadata)
    .filter(([, v]) => v !== null && v !== undefined)
    .map(([k, v]) => `${k}=${typeof v === "object" ? JSON.stringify(v) : String(v)}`)
    .join(" ");
}

export function AuditLog() {
  const trpc = useTRPC();
  const log = useInfiniteQuery(
    trpc.audit.list.infiniteQueryOptions(
      { limit: 50 },
      { getNextPageParam: (page) => page.nextCursor },
    ),
  );
  const entries = log.data?.pages.flatMap((p) => p.entries) ?? [];
  return (
    <>
      <PageHeader
        crumbs={[{ label: "Organization" }, { label: "Audit log" }]}
        title="Audit log"
        description="Security-relevant actions in this organization: who did what, when."
      />
      {log.isPending ? (
        <TableSkeleton />
      ) : log.error ? (
        <QueryError error={log.error} />
      ) : entries.length === 0 ? (
        <EmptyState
          icon={ScrollText}
          title="Nothing yet"
          description="Creating clusters, credentials or inviting members shows up here."
        />
      ) : (
        <div className="grid gap-3">
          <DataTable
            testId="audit-table"
            rows={entries}
            rowKey={(e) => e.id}
            pageSize={50}
            columns={[
              {
                key: "when",
                header: "When",
                sortValue: (e) => e.createdAt.getTime(),
                cell: (e) => formatDate(e.createdAt),
              },
              {
                key: "who",
                header: "Who",
                sortValue: (e) => e.actorEmail ?? "",
                cell: (e) => e.actorEmail ?? "system",
              },
              {
                key: "action",
                header: "Action",
                sortValue: (e) => e.action,
                cell: (e) => <Badge variant="default">{e.action}</Badge>,
              },
              {
                key: "target",
                header: "Target",
                cell: (e) => (
                  <span className="font-mono text-xs">{`${e.targetType}/${e.targetId}`}</span>
                ),
              },
              {
                key: "details",
                header: "Details",
                wrap: true,
                cell: (e) => (
                  <span className="block max-w-sm text-xs text-muted-foreground [overflow-wrap:anywhere]">
                    {describe(e.metadata)}
                  </span>
                ),
              },
              { key: "ip", header: "IP", cell: (e) => e.ip ?? "—" },
            ]}
          />
          {log.hasNextPage && (
            <Button
              variant="outline"
              className="justify-self-center"
              onClick={() => void log.fetchNextPage()}
              disabled={log.isFetchingNextPage}
            >
              Load older entries
            </Button>
          )}
        </div>
      )}
    </>
  );
}
