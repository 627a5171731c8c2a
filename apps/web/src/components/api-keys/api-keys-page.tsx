"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { KeyRound, Plus } from "lucide-react";
import Link from "next/link";
import { useState, type FormEvent } from "react";
import { toast } from "sonner";
import { CredentialStatus } from "@/components/credentials/credential-status";
import { SecretReveal } from "@/components/credentials/secret-reveal";
import { RoleSelect } from "@/components/members/role-select";
import { PageHeader } from "@/components/shell/page-header";
import { QueryError, TableSkeleton } from "@/components/shell/query-state";
import { useOrganizationAccess } from "@/components/shell/use-organization-role";
import { Button } from "@/components/ui/button";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
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
import { EmptyState } from "@/components/ui/empty-state";
import { Field } from "@/components/ui/field";
import { Input } from "@/components/ui/input";
import { formatAgo, formatDate } from "@/lib/format";
import { useTRPC } from "@/lib/trpc/client";
import { fieldErrorsOf, messageOf } from "@/lib/trpc/errors";
import { roleLabels, type Role } from "@/server/organizations/roles";

function CreateApiKeyDialog({ onCreated }: { onCreated: (secret: string) => void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [open, setOpen] = useState(false);
  const [role, setRole] = useState<Role>("readonly");
  const create = useMutation(
    trpc.apiKeys.create.mutationOptions({
      onSuccess: async (created) => {
        setOpen(false);
        onCreated(created.secret);
        await queryClient.invalidateQueries({ queryKey: trpc.apiKeys.list.queryKey() });
      },
      onError: (err) => toast.error(messageOf(err)),
    }),
  );
  const errors = fieldErrorsOf(create.error);

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    create.mutate({ name: String(new FormData(event.currentTarget).get("name") ?? ""), role });
  }

  return (
    <Dialog open={open} onOpenChange={setOpen}>
      <DialogTrigger asChild>
        <Button>
          <Plus /> Create API key
        </Button>
      </DialogTrigger>
      <DialogContent>
        <DialogHeader>
          <DialogTitle>Create an API key</DialogTitle>
          <DialogDescription>
            The key acts for this organization with the role you choose, up to your own.
          </DialogDescription>
        </DialogHeader>
        <form className="grid gap-4" onSubmit={onSubmit} noValidate>
          <Field id="api-key-name" label="Name" error={errors.name}>
            <Input
              id="api-key-name"
              name="name"
              placeholder="usage export job"
              aria-invalid={!!errors.name}
            />
          </Field>
          <Field id="api-key-role" label="Role" error={errors.role}>
            <RoleSelect id="api-key-role" value={role} onChange={setRole} />
          </Field>
          <DialogFooter>
            <Button type="submit" disabled={create.isPending}>
              Create key
            </Button>
          </DialogFooter>
        </form>
      </DialogContent>
    </Dialog>
  );
}

export function ApiKeysPage() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const canManage = useOrganizationAccess("manage");
  const keys = useQuery(trpc.apiKeys.list.queryOptions());
  const [secret, setSecret] = useState<string | null>(null);
  const revoke = useMutation(
    trpc.apiKeys.revoke.mutationOptions({
      onSuccess: async () => {
        toast.success("API key revoked");
        await queryClient.invalidateQueries({ queryKey: trpc.apiKeys.list.queryKey() });
      },
      onError: (err) => toast.error(messageOf(err)),
    }),
  );

  return (
    <>
      <PageHeader
        title="API keys"
        description={
          <>
            Keys for the REST API: send <code>Authorization: Bearer &lt;key&gt;</code>. Only a
            SHA-256 of each key is stored.{" "}
            <Link className="text-primary hover:underline" href="/api-reference">
              API reference
            </Link>
          </>
        }
        actions={canManage && <CreateApiKeyDialog onCreated={setSecret} />}
      />
      <SecretReveal
        title="API key created"
        fields={secret ? [{ label: "API key", value: secret, testId: "new-api-key" }] : null}
        onClose={() => setSecret(null)}
      />
      {keys.isPending ? (
        <TableSkeleton />
      ) : keys.error ? (
        <QueryError error={keys.error} />
      ) : keys.data.length === 0 ? (
        <EmptyState
          icon={KeyRound}
          title="No API keys"
          description="Create a key to read clusters and usage from scripts and other services."
        />
      ) : (
        <DataTable
          testId="api-keys-table"
          rows={keys.data}
          rowKey={(k) => k.id}
          columns={[
            { key: "name", header: "Name", sortValue: (k) => k.name, cell: (k) => k.name },
            {
              key: "prefix",
              header: "Key",
              cell: (k) => <code className="font-mono text-xs">{k.keyPrefix}…</code>,
            },
            {
              key: "role",
              header: "Role",
              sortValue: (k) => k.role,
              cell: (k) => roleLabels[k.role as Role] ?? k.role,
            },
            {
              key: "status",
              header: "Status",
              cell: (k) => <CredentialStatus revokedAt={k.revokedAt} />,
            },
            {
              key: "created",
              header: "Created",
              sortValue: (k) => k.createdAt.getTime(),
              cell: (k) => `${formatDate(k.createdAt)} · ${k.createdBy?.email ?? "—"}`,
            },
            {
              key: "used",
              header: "Last used",
              sortValue: (k) => k.lastUsedAt?.getTime() ?? 0,
              cell: (k) => formatAgo(k.lastUsedAt),
            },
            {
              key: "actions",
              header: "",
              cell: (k) =>
                canManage &&
                !k.revokedAt && (
                  <ConfirmDialog
                    trigger={
                      <Button variant="outline" size="sm">
                        Revoke
                      </Button>
                    }
                    title={`Revoke ${k.name}?`}
                    description="Requests with this key are refused from now on."
                    actionLabel="Revoke key"
                    onConfirm={() => revoke.mutateAsync({ apiKeyId: k.id }).catch(() => undefined)}
                  />
                ),
            },
          ]}
        />
      )}
    </>
  );
}
