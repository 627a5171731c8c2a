"use client";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { ShieldAlert } from "lucide-react";
import { toast } from "sonner";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { useTRPC } from "@/lib/trpc/client";
import { messageOf } from "@/lib/trpc/errors";

/** The cluster's enforcement switch, behind a warning: turning it on is deny by default. */
export function AclEnforcementCard({
  clusterId,
  enforced,
  canWrite,
}: {
  clusterId: string;
  enforced: boolean;
  canWrite: boolean;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const setEnforcement = useMutation(
    trpc.acls.setEnforcement.mutationOptions({
      onSuccess: async ({ aclEnforcement }) => {
        await Promise.all([
          queryClient.invalidateQueries({ queryKey: trpc.clusters.get.queryKey({ clusterId }) }),
          queryClient.invalidateQueries({ queryKey: trpc.acls.pathKey() }),
        ]);
        toast.success(aclEnforcement ? "ACLs are now enforced" : "ACL enforcement is off");
      },
      onError: (err) => toast.error(messageOf(err)),
    }),
  );
  return (
    <Card>
      <CardHeader>
        <CardTitle className="flex items-center gap-2">
          Enforcement
          <Badge variant={enforced ? "success" : "muted"} data-testid="acl-enforcement-status">
            {enforced ? "On" : "Off"}
          </Badge>
        </CardTitle>
        <CardDescription>
          {enforced
            ? "Agents check every request against the ACLs below: a credential that is not a superuser may do only what an ACL allows."
            : "Off: any credential may do anything, whatever the ACLs say. You can prepare ACLs before turning it on."}
        </CardDescription>
      </CardHeader>
      <CardContent className="flex flex-wrap items-center justify-between gap-4">
        {!enforced && (
          <p className="flex max-w-xl items-start gap-2 text-sm text-amber-800">
            <ShieldAlert className="mt-0.5 size-4 shrink-0" aria-hidden />
            Once on, everything is denied by default: clients whose credential has no matching ALLOW
            (and is not a superuser) are refused at once.
          </p>
        )}
        {enforced ? (
          <ConfirmDialog
            trigger={
              <Button variant="outline" disabled={!canWrite}>
                Turn enforcement off
              </Button>
            }
            title="Turn ACL enforcement off?"
            description="Every credential of this cluster may then do anything, including DENY-listed operations."
            actionLabel="Turn off"
            pending={setEnforcement.isPending}
            onConfirm={() => setEnforcement.mutateAsync({ clusterId, enabled: false })}
          />
        ) : (
          <ConfirmDialog
            trigger={<Button disabled={!canWrite}>Turn enforcement on</Button>}
            title="Enforce ACLs on this cluster?"
            description="Deny by default: from now on, a request is refused unless an ACL allows it or its credential is a superuser. Check each credential's effective permissions below first."
            actionLabel="Enforce ACLs"
            pending={setEnforcement.isPending}
            onConfirm={() => setEnforcement.mutateAsync({ clusterId, enabled: true })}
          />
        )}
      </CardContent>
    </Card>
  );
}
