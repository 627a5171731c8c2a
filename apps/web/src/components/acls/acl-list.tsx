"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { KeyRound, Trash2 } from "lucide-react";
import { useState } from "react";
import { toast } from "sonner";
import { QueryError, TableSkeleton } from "@/components/shell/query-state";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { DataTable } from "@/components/ui/data-table";
import { EmptyState } from "@/components/ui/empty-state";
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import { useTRPC } from "@/lib/trpc/client";
import { messageOf } from "@/lib/trpc/errors";

/** The cluster's ACLs, filtered on the server by principal and resource name. */
export function AclList({ clusterId, canWrite }: { clusterId: string; canWrite: boolean }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [principal, setPrincipal] = useState("");
  const [resourceName, setResourceName] = useState("");
  const filter = {
    principal: principal.trim() || undefined,
    resourceName: resourceName.trim() || undefined,
  };
  // The previous page stays while a filter's answer loads, so typing does not flash a skeleton.
  const acls = useQuery({
    ...trpc.acls.list.queryOptions({ clusterId, ...filter }),
    placeholderData: (previous) => previous,
  });
  const remove = useMutation(
    trpc.acls.delete.mutationOptions({
      onSuccess: async () => {
        await queryClient.invalidateQueries({ queryKey: trpc.acls.pathKey() });
        toast.success("ACL deleted");
      },
      onError: (err) => toast.error(messageOf(err)),
    }),
  );
  const filtered = filter.principal !== undefined || filter.resourceName !== undefined;

  return (
    <section className="grid gap-3" aria-labelledby="acl-list-heading">
      <h3 id="acl-list-heading" className="text-base font-semibold">
        Bindings
      </h3>
      <div className="flex flex-wrap gap-4">
        <div className="grid gap-1.5">
          <Label htmlFor="acl-filter-principal">Principal</Label>
          <Input
            id="acl-filter-principal"
            className="w-72"
            placeholder="User:sb-… (exact)"
            value={principal}
            onChange={(e) => setPrincipal(e.target.value)}
          />
        </div>
        <div className="grid gap-1.5">
          <Label htmlFor="acl-filter-resource">Resource name</Label>
          <Input
            id="acl-filter-resource"
            className="w-72"
            placeholder="orders"
            value={resourceName}
            onChange={(e) => setResourceName(e.target.value)}
          />
        </div>
      </div>
      {acls.isPending ? (
        <TableSkeleton />
      ) : acls.error ? (
        <QueryError error={acls.error} />
      ) : acls.data.length === 0 ? (
        <EmptyState
          icon={KeyRound}
          title={filtered ? "No ACL matches" : "No ACLs yet"}
          description={
            filtered
              ? "Change the filters to see other bindings."
              : "Add ACLs to allow (or deny) credentials operations on topics, groups, transactional ids and the cluster."
          }
        />
      ) : (
        <DataTable
          testId="acls-table"
          rows={acls.data}
          rowKey={(a) => a.id}
          initialSort={{ key: "resource", direction: "asc" }}
          columns={[
            {
              key: "principal",
              header: "Principal",
              sortValue: (a) => a.principal,
              cell: (a) => <code className="font-mono text-xs">{a.principal}</code>,
            },
            {
              key: "resource",
              header: "Resource",
              sortValue: (a) => `${a.resourceType} ${a.resourceName}`,
              cell: (a) => (
                <span className="flex items-center gap-2">
                  <Badge variant="muted">{a.resourceType}</Badge>
                  <code className="font-mono text-xs">{a.resourceName}</code>
                  {a.patternType === "PREFIXED" && <span className="text-xs">(prefix)</span>}
                </span>
              ),
            },
            {
              key: "operation",
              header: "Operation",
              sortValue: (a) => a.operation,
              cell: (a) => a.operation,
            },
            {
              key: "permission",
              header: "Permission",
              sortValue: (a) => a.permission,
              cell: (a) => (
                <Badge variant={a.permission === "DENY" ? "destructive" : "success"}>
                  {a.permission}
                </Badge>
              ),
            },
            { key: "host", header: "Host", cell: (a) => a.host },
            {
              key: "actions",
              header: "",
              align: "right",
              cell: (a) =>
                canWrite && (
                  <ConfirmDialog
                    trigger={
                      <Button
                        variant="ghost"
                        size="icon"
                        aria-label={`Delete ACL ${a.permission} ${a.operation} on ${a.resourceName} for ${a.principal}`}
                      >
                        <Trash2 />
                      </Button>
                    }
                    title="Delete this ACL?"
                    description={`${a.permission} ${a.operation} on ${a.resourceType} ${a.resourceName} for ${a.principal}. Agents apply it within seconds.`}
                    actionLabel="Delete ACL"
                    pending={remove.isPending}
                    onConfirm={() => remove.mutateAsync({ clusterId, aclId: a.id })}
                  />
                ),
            },
          ]}
        />
      )}
    </section>
  );
}
