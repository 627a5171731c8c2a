"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { toast } from "sonner";
import { QueryError, TableSkeleton } from "@/components/shell/query-state";
import { Badge } from "@/components/ui/badge";
import { Label } from "@/components/ui/label";
import { Switch } from "@/components/ui/switch";
import { useTRPC } from "@/lib/trpc/client";
import { messageOf } from "@/lib/trpc/errors";
import type { EffectivePermissions } from "@/server/acls/acl-evaluation";

function PermissionSummary({ permissions }: { permissions: EffectivePermissions }) {
  if (permissions.kind === "everything")
    return (
      <p className="text-sm">
        <Badge variant="success">Everything</Badge>{" "}
        <span className="text-muted-foreground">
          {permissions.reason === "superuser"
            ? "Superuser: ACLs do not apply."
            : "Enforcement is off: ACLs do not apply yet."}
        </span>
      </p>
    );
  if (permissions.permissions.length === 0)
    return (
      <p className="text-sm">
        <Badge variant="destructive">Nothing</Badge>{" "}
        <span className="text-muted-foreground">No ACL allows this credential anything.</span>
      </p>
    );
  return (
    <ul className="grid gap-1.5 text-sm">
      {permissions.permissions.map((p) => (
        <li
          key={`${p.resourceType}:${p.patternType}:${p.resourceName}`}
          className="flex flex-wrap items-center gap-2"
        >
          <Badge variant="muted">{p.resourceType}</Badge>
          <code className="font-mono text-xs">
            {p.resourceName === "*" && p.patternType === "LITERAL"
              ? "* (any)"
              : `${p.resourceName}${p.patternType === "PREFIXED" ? "*" : ""}`}
          </code>
          <span aria-hidden>→</span>
          {p.allowed.length === 0 && <span className="text-muted-foreground">nothing</span>}
          {p.allowed.map((o) => (
            <Badge key={o} variant="success">
              {o}
            </Badge>
          ))}
          {p.denied.map((o) => (
            <Badge key={o} variant="destructive" title="Denied by an ACL">
              no {o}
            </Badge>
          ))}
        </li>
      ))}
    </ul>
  );
}

/** What each credential may do, with Kafka's semantics, and its superuser switch. */
export function CredentialPermissions({
  clusterId,
  canWrite,
}: {
  clusterId: string;
  canWrite: boolean;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const credentials = useQuery(trpc.acls.credentialPermissions.queryOptions({ clusterId }));
  const setSuperuser = useMutation(
    trpc.acls.setSuperuser.mutationOptions({
      onSuccess: async ({ superuser }) => {
        await queryClient.invalidateQueries({ queryKey: trpc.acls.pathKey() });
        toast.success(superuser ? "Now a superuser: ACLs do not apply" : "No longer a superuser");
      },
      onError: (err) => toast.error(messageOf(err)),
    }),
  );
  return (
    <section className="grid gap-3" aria-labelledby="credential-permissions-heading">
      <h3 id="credential-permissions-heading" className="text-base font-semibold">
        Effective permissions
      </h3>
      <p className="text-sm text-muted-foreground">
        Per credential and resource pattern: DENY wins over ALLOW; READ, WRITE, DELETE and ALTER
        include DESCRIBE; ALTER_CONFIGS includes DESCRIBE_CONFIGS. A prefix applies to every name
        under it unless a more specific ACL says otherwise.
      </p>
      {credentials.isPending ? (
        <TableSkeleton rows={2} />
      ) : credentials.error ? (
        <QueryError error={credentials.error} />
      ) : credentials.data.credentials.length === 0 ? (
        <p className="text-sm text-muted-foreground">This cluster has no active credentials.</p>
      ) : (
        <ul className="grid gap-3" data-testid="credential-permissions">
          {credentials.data.credentials.map((c) => (
            <li
              key={c.id}
              className="grid gap-2 rounded-lg border bg-background p-4"
              data-testid={`permissions-${c.username}`}
            >
              <div className="flex flex-wrap items-center justify-between gap-3">
                <div>
                  <code className="font-mono text-sm">{c.principal}</code>
                  {c.description && (
                    <span className="ml-2 text-sm text-muted-foreground">{c.description}</span>
                  )}
                </div>
                <div className="flex items-center gap-2">
                  <Label htmlFor={`superuser-${c.id}`}>Superuser</Label>
                  <Switch
                    id={`superuser-${c.id}`}
                    checked={c.superuser}
                    disabled={!canWrite || setSuperuser.isPending}
                    onCheckedChange={(superuser) =>
                      setSuperuser.mutate({ clusterId, credentialId: c.id, superuser })
                    }
                  />
                </div>
              </div>
              <PermissionSummary permissions={c.permissions} />
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
