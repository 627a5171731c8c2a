"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { Plus, ShieldCheck } from "lucide-react";
import Link from "next/link";
import { useState, type FormEvent } from "react";
import { toast } from "sonner";
import { useCluster } from "@/components/clusters/use-cluster";
import { PageHeader } from "@/components/shell/page-header";
import { QueryError, TableSkeleton } from "@/components/shell/query-state";
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
import { CredentialStatus } from "./credential-status";
import { SecretReveal } from "./secret-reveal";

export function KafkaCredentials({ clusterId }: { clusterId: string }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const { canWrite } = useCluster(clusterId);
  const credentials = useQuery(
    trpc.credentials.listKafkaCredentials.queryOptions({ clusterId }, { refetchInterval: 10_000 }),
  );
  const [createOpen, setCreateOpen] = useState(false);
  const [revealed, setRevealed] = useState<{ username: string; password: string } | null>(null);
  const invalidate = () =>
    queryClient.invalidateQueries({ queryKey: trpc.credentials.listKafkaCredentials.queryKey() });
  const create = useMutation(
    trpc.credentials.createKafkaCredential.mutationOptions({
      onSuccess: async (created) => {
        setCreateOpen(false);
        setRevealed({ username: created.username, password: created.password });
        await invalidate();
      },
      onError: (err) => toast.error(messageOf(err)),
    }),
  );
  const revoke = useMutation(
    trpc.credentials.revokeKafkaCredential.mutationOptions({
      onSuccess: async () => {
        toast.success("Credential revoked: new connections with it are refused");
        await invalidate();
      },
      onError: (err) => toast.error(messageOf(err)),
    }),
  );
  const errors = fieldErrorsOf(create.error);

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    create.mutate({
      clusterId,
      description: String(new FormData(event.currentTarget).get("description") ?? "") || undefined,
    });
  }

  const createButton = canWrite && (
    <Dialog open={createOpen} onOpenChange={setCreateOpen}>
      <DialogTrigger asChild>
        <Button>
          <Plus /> Create credential
        </Button>
      </DialogTrigger>
      <DialogContent>
        <DialogHeader>
          <DialogTitle>Create a Kafka credential</DialogTitle>
          <DialogDescription>
            A SASL username and a generated password for this cluster (SCRAM-SHA-256, SCRAM-SHA-512
            or PLAIN).
          </DialogDescription>
        </DialogHeader>
        <form className="grid gap-4" onSubmit={onSubmit} noValidate>
          <Field
            id="credential-description"
            label="Description (optional)"
            error={errors.description}
          >
            <Input
              id="credential-description"
              name="description"
              placeholder="orders service, production"
            />
          </Field>
          <DialogFooter>
            <Button type="submit" disabled={create.isPending}>
              {create.isPending ? "Creating…" : "Create credential"}
            </Button>
          </DialogFooter>
        </form>
      </DialogContent>
    </Dialog>
  );

  return (
    <>
      <PageHeader
        level={2}
        title="Kafka credentials"
        description="SASL users of this cluster. Passwords are stored only as SCRAM verifiers and a hash."
        actions={createButton}
      />
      <SecretReveal
        title="Credential created"
        fields={
          revealed && [
            { label: "Username", value: revealed.username, testId: "new-credential-username" },
            { label: "Password", value: revealed.password, testId: "new-credential-password" },
          ]
        }
        footer={
          revealed && (
            <Button asChild variant="outline">
              <Link
                href={`/clusters/${clusterId}/connect?username=${encodeURIComponent(revealed.username)}`}
              >
                Connect snippets
              </Link>
            </Button>
          )
        }
        onClose={() => setRevealed(null)}
      />
      {credentials.isPending ? (
        <TableSkeleton />
      ) : credentials.error ? (
        <QueryError error={credentials.error} />
      ) : credentials.data.length === 0 ? (
        <EmptyState
          icon={ShieldCheck}
          title="No credentials yet"
          description="Create a credential, then use it in any Kafka client with SASL_PLAINTEXT."
        />
      ) : (
        <DataTable
          testId="credentials-table"
          rows={credentials.data}
          rowKey={(c) => c.id}
          columns={[
            {
              key: "username",
              header: "Username",
              sortValue: (c) => c.username,
              cell: (c) => <code className="font-mono text-xs">{c.username}</code>,
            },
            {
              key: "description",
              header: "Description",
              wrap: true,
              cell: (c) => c.description ?? "—",
            },
            {
              key: "status",
              header: "Status",
              sortValue: (c) => (c.revokedAt ? 1 : 0),
              cell: (c) => <CredentialStatus revokedAt={c.revokedAt} />,
            },
            {
              key: "created",
              header: "Created",
              sortValue: (c) => c.createdAt.getTime(),
              cell: (c) =>
                `${formatDate(c.createdAt)}${c.createdBy ? ` by ${c.createdBy.email}` : ""}`,
            },
            {
              key: "used",
              header: "Last used",
              sortValue: (c) => c.lastUsedAt?.getTime() ?? 0,
              cell: (c) => formatAgo(c.lastUsedAt),
            },
            {
              key: "actions",
              header: "",
              cell: (c) =>
                canWrite &&
                !c.revokedAt && (
                  <ConfirmDialog
                    trigger={
                      <Button variant="outline" size="sm">
                        Revoke
                      </Button>
                    }
                    title={`Revoke ${c.username}?`}
                    description="Clients using this credential can no longer connect. This cannot be undone."
                    actionLabel="Revoke credential"
                    pending={revoke.isPending}
                    onConfirm={() =>
                      revoke.mutateAsync({ clusterId, credentialId: c.id }).catch(() => undefined)
                    }
                  />
                ),
            },
          ]}
        />
      )}
    </>
  );
}
