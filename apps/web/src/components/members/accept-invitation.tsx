"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { toast } from "sonner";
import { QueryError, TableSkeleton } from "@/components/shell/query-state";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { useTRPC } from "@/lib/trpc/client";
import { messageOf } from "@/lib/trpc/errors";
import { roleLabels, type Role } from "@/server/organizations/roles";

export function AcceptInvitation({ invitationId }: { invitationId: string }) {
  const trpc = useTRPC();
  const router = useRouter();
  const queryClient = useQueryClient();
  const invitation = useQuery(
    trpc.members.invitation.queryOptions({ invitationId }, { retry: false }),
  );
  const accept = useMutation(
    trpc.members.accept.mutationOptions({
      onSuccess: async () => {
        await queryClient.invalidateQueries();
        toast.success("Welcome aboard");
        router.push("/clusters");
      },
      onError: (err) => toast.error(messageOf(err)),
    }),
  );
  if (invitation.isPending) return <TableSkeleton rows={2} />;
  if (invitation.error) return <QueryError error={invitation.error} />;
  const i = invitation.data;
  return (
    <Card className="mx-auto mt-12 max-w-lg">
      <CardHeader>
        <CardTitle>Join {i.organizationName}</CardTitle>
        <CardDescription>
          {i.inviterEmail} invited you as {roleLabels[i.role as Role] ?? i.role}.
        </CardDescription>
      </CardHeader>
      <CardContent>
        {i.status === "pending" ? (
          <Button onClick={() => accept.mutate({ invitationId })} disabled={accept.isPending}>
            Accept invitation
          </Button>
        ) : (
          <p className="text-sm text-muted-foreground">This invitation is {i.status}.</p>
        )}
      </CardContent>
    </Card>
  );
}
