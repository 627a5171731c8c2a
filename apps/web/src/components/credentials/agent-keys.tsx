"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { KeyRound, Plus } from "lucide-react";
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

export function AgentKeys({ clusterId }: { clusterId: string }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const { canWrite } = useCluster(clusterId);
  const keys = useQuery(trpc.credentials.listAgentKeys.queryOptions({ clusterId }));
  const [createOpen, setCreateOpen] = useState(false);
  const [secret, setSecret] = useState<string | null>(null);
  const invalidate = () =>
    queryClient.invalidateQueries({ queryKey: trpc.credentials.listAgentKeys.queryKey() });
  const create = useMutation(
    trpc.credentials.createAgentKey.mutationOptions({
      onSuccess: async (created) => {
        setCreateOpen(false);
        setSecret(created.secret);
        await invalidate();
      },
      onError: (err) => toast.error(messageOf(err)),
    }),
  );
  const revoke = useMutation(
    trpc.credentials.revokeAgentKey.mutationOptions({
      onSuccess: async () => {
        toast.success("Agent key revoked");
        await invalidate();
      },
      onError: (err) => toast.error(messageOf(err)),
    }),
  );
  const errors = fieldErrorsOf(create.error);

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    create.mutate({ clusterId, name: String(new FormData(event.currentTarget).get("name") ?? "") });
  }

  const createButton = canWrite && (
    <Dialog open={createOpen} onOpenChange={setCreateOpen}>
      <DialogTrigger asChild>
        <Button>
          <Plus /> Create agent key
        </Button>
      </DialogTrigger>
      <DialogContent>
        <DialogHeader>
          <DialogTitle>Create an agent key</DialogTitle>
          <DialogDescription>
            A dedicated (bring-your-own-cloud) agent proves with this key which cluster it serves.
          </DialogDescription>
        </DialogHeader>
        <form className="grid gap-4" onSubmit={onSubmit} noValidate>
          <Field id="agent-key-name" label="Name" error={errors.name}>
            <Input
              id="agent-key-name"
              name="name"
              placeholder="eu-west-1 agents"
              aria-invalid={!!errors.name}
            />
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

  return (
    <>
      <PageHeader
        level={2}
        title="Agent keys"
        description="Keys for agents you run yourself. Only a SHA-256 of each key is stored."
        actions={createButton}
      />
      <SecretReveal
        title="Agent key created"
        fields={secret ? [{ label: "Agent key", value: secret, testId: "new-agent-key" }] : null}
        onClose={() => setSecret(null)}
      />
      {keys.isPending ? (
        <TableSkeleton />
      ) : keys.error ? (
        <QueryError error={keys.error} />
      ) : keys.data.length === 0 ? (
        <EmptyState
          icon={KeyRound}
          title="No agent keys"
          description="Shared agents need none. Create a key to run dedicated agents in your own cloud account."
        />
      ) : (
        <DataTable
          testId="agent-keys-table"
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
              key: "status",
              header: "Status",
              cell: (k) => <CredentialStatus revokedAt={k.revokedAt} />,
            },
            {
              key: "created",
              header: "Created",
              sortValue: (k) => k.createdAt.getTime(),
              cell: (k) => formatDate(k.createdAt),
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
                canWrite &&
                !k.revokedAt && (
                  <ConfirmDialog
                    trigger={
                      <Button variant="outline" size="sm">
                        Revoke
                      </Button>
                    }
                    title={`Revoke ${k.name}?`}
                    description="Agents using this key can no longer serve the cluster."
                    actionLabel="Revoke key"
                    onConfirm={() =>
                      revoke.mutateAsync({ clusterId, agentKeyId: k.id }).catch(() => undefined)
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
