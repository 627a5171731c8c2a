"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { UserPlus } from "lucide-react";
import { useState, type FormEvent } from "react";
import { toast } from "sonner";
import { PageHeader } from "@/components/shell/page-header";
import { QueryError, TableSkeleton } from "@/components/shell/query-state";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { CopyField } from "@/components/ui/copy-button";
import { DataTable } from "@/components/ui/data-table";
import {
  Dialog,
  DialogContent,
  DialogDescription,
  DialogFooter,
  DialogHeader,
  DialogTitle,
  DialogTrigger,
} from "@/components/ui/dialog";
import { Field } from "@/components/ui/field";
import { Input } from "@/components/ui/input";
import { formatDate } from "@/lib/format";
import { useTRPC } from "@/lib/trpc/client";
import { fieldErrorsOf, messageOf } from "@/lib/trpc/errors";
import { roleAllows, roleLabels, type Role } from "@/server/organizations/roles";
import { RoleSelect } from "./role-select";

function InviteDialog() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [open, setOpen] = useState(false);
  const [role, setRole] = useState<Role>("member");
  const [link, setLink] = useState<string | null>(null);
  const invite = useMutation(
    trpc.members.invite.mutationOptions({
      onSuccess: async (result) => {
        setLink(result.link);
        await queryClient.invalidateQueries({ queryKey: trpc.members.list.queryKey() });
      },
      onError: (err) => toast.error(messageOf(err)),
    }),
  );
  const errors = fieldErrorsOf(invite.error);
  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    invite.mutate({ email: String(new FormData(event.currentTarget).get("email") ?? ""), role });
  }
  return (
    <Dialog
      open={open}
      onOpenChange={(o) => {
        setOpen(o);
        setLink(null);
        invite.reset();
      }}
    >
      <DialogTrigger asChild>
        <Button>
          <UserPlus /> Invite member
        </Button>
      </DialogTrigger>
      <DialogContent>
        <DialogHeader>
          <DialogTitle>Invite a member</DialogTitle>
          <DialogDescription>
            They accept by opening the link while signed in with this email address.
          </DialogDescription>
        </DialogHeader>
        {link ? (
          <div className="grid gap-2">
            <p className="text-sm">
              Invitation created. Send this link (it is also emailed, or logged when SMTP is not
              configured):
            </p>
            <CopyField value={link} label="invitation link" testId="invitation-link" />
            <DialogFooter>
              <Button onClick={() => setOpen(false)}>Done</Button>
            </DialogFooter>
          </div>
        ) : (
          <form className="grid gap-4" onSubmit={onSubmit} noValidate>
            <Field id="invite-email" label="Email" error={errors.email}>
              <Input id="invite-email" name="email" type="email" aria-invalid={!!errors.email} />
            </Field>
            <Field id="invite-role" label="Role" error={errors.role}>
              <RoleSelect id="invite-role" value={role} onChange={setRole} />
            </Field>
            <DialogFooter>
              <Button type="submit" disabled={invite.isPending}>
                Create invitation
              </Button>
            </DialogFooter>
          </form>
        )}
      </DialogContent>
    </Dialog>
  );
}

export function MembersPage() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const list = useQuery(trpc.members.list.queryOptions());
  const invalidate = () =>
    queryClient.invalidateQueries({ queryKey: trpc.members.list.queryKey() });
  const onError = (err: unknown) => toast.error(messageOf(err));
  const updateRole = useMutation(
    trpc.members.updateRole.mutationOptions({
      onSuccess: async () => (toast.success("Role changed"), invalidate()),
      onError,
    }),
  );
  const remove = useMutation(
    trpc.members.remove.mutationOptions({
      onSuccess: async () => (toast.success("Member removed"), invalidate()),
      onError,
    }),
  );
  const cancel = useMutation(
    trpc.members.cancelInvitation.mutationOptions({
      onSuccess: async () => (toast.success("Invitation canceled"), invalidate()),
      onError,
    }),
  );

  if (list.isPending) return <TableSkeleton />;
  if (list.error) return <QueryError error={list.error} />;
  const canManage = roleAllows(list.data.yourRole, "manage");
  return (
    <>
      <PageHeader
        crumbs={[{ label: "Organization" }, { label: "Members" }]}
        title="Members"
        description="Owners and admins manage members; members change clusters; billing and read-only members only look."
        actions={canManage && <InviteDialog />}
      />
      <div className="grid gap-8">
        <DataTable
          testId="members-table"
          rows={list.data.members}
          rowKey={(m) => m.id}
          columns={[
            {
              key: "user",
              header: "User",
              sortValue: (m) => m.user.email,
              cell: (m) => (
                <div>
                  <p className="font-medium">
                    {m.user.name} {m.isYou && <Badge variant="muted">you</Badge>}
                  </p>
                  <p className="text-xs text-muted-foreground">{m.user.email}</p>
                </div>
              ),
            },
            {
              key: "role",
              header: "Role",
              sortValue: (m) => m.role,
              cell: (m) =>
                canManage && !m.isYou ? (
                  <RoleSelect
                    value={m.role as Role}
                    onChange={(role) => updateRole.mutate({ memberId: m.id, role })}
                  />
                ) : (
                  (roleLabels[m.role as Role] ?? m.role)
                ),
            },
            {
              key: "joined",
              header: "Joined",
              sortValue: (m) => m.createdAt.getTime(),
              cell: (m) => formatDate(m.createdAt),
            },
            {
              key: "actions",
              header: "",
              cell: (m) =>
                canManage &&
                !m.isYou && (
                  <ConfirmDialog
                    trigger={
                      <Button variant="outline" size="sm">
                        Remove
                      </Button>
                    }
                    title={`Remove ${m.user.email}?`}
                    description="They lose access to every cluster of this organization at once."
                    actionLabel="Remove member"
                    onConfirm={() => remove.mutateAsync({ memberId: m.id }).catch(() => undefined)}
                  />
                ),
            },
          ]}
        />
        {list.data.invitations.length > 0 && (
          <section className="grid gap-3">
            <h2 className="text-lg font-semibold">Pending invitations</h2>
            <DataTable
              testId="invitations-table"
              rows={list.data.invitations}
              rowKey={(i) => i.id}
              columns={[
                { key: "email", header: "Email", cell: (i) => i.email },
                { key: "role", header: "Role", cell: (i) => roleLabels[i.role as Role] ?? i.role },
                { key: "expires", header: "Expires", cell: (i) => formatDate(i.expiresAt) },
                {
                  key: "link",
                  header: "Link",
                  cell: (i) => (
                    <div className="max-w-72">
                      <CopyField value={i.link} label="invitation link" />
                    </div>
                  ),
                },
                {
                  key: "actions",
                  header: "",
                  cell: (i) =>
                    canManage && (
                      <Button
                        variant="ghost"
                        size="sm"
                        onClick={() => cancel.mutate({ invitationId: i.id })}
                      >
                        Cancel
                      </Button>
                    ),
                },
              ]}
            />
          </section>
        )}
      </div>
    </>
  );
}
