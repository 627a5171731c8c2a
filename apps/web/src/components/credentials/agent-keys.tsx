"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { KeyRound } from "lucide-react";
import { useState } from "react";
import { toast } from "sonner";
import { useCluster } from "@/components/clusters/use-cluster";
import { useTRPC } from "@/lib/trpc/client";
import { fieldErrorsOf, messageOf } from "@/lib/trpc/errors";
import { CredentialPage } from "./credential-page";
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

  return (
    <CredentialPage
      title="Agent keys"
      description="Keys for agents you run yourself. Only a SHA-256 of each key is stored."
      canWrite={canWrite}
      rows={keys}
      tableTestId="agent-keys-table"
      columns={[
        { key: "name", header: "Name", sortValue: (k) => k.name, cell: (k) => k.name },
        {
          key: "prefix",
          header: "Key",
          cell: (k) => <code className="font-mono text-xs">{k.keyPrefix}…</code>,
        },
      ]}
      empty={{
        icon: KeyRound,
        title: "No agent keys",
        description:
          "Shared agents need none. Create a key to run dedicated agents in your own cloud account.",
      }}
      create={{
        open: createOpen,
        onOpenChange: setCreateOpen,
        buttonLabel: "Create agent key",
        title: "Create an agent key",
        description:
          "A dedicated (bring-your-own-cloud) agent proves with this key which cluster it serves.",
        field: {
          name: "name",
          id: "agent-key-name",
          label: "Name",
          placeholder: "eu-west-1 agents",
          error: fieldErrorsOf(create.error).name,
        },
        submitLabel: "Create key",
        pending: create.isPending,
        onSubmit: (name) => create.mutate({ clusterId, name }),
      }}
      reveal={
        <SecretReveal
          title="Agent key created"
          fields={secret ? [{ label: "Agent key", value: secret, testId: "new-agent-key" }] : null}
          onClose={() => setSecret(null)}
        />
      }
      revoke={{
        title: (k) => `Revoke ${k.name}?`,
        description: "Agents using this key can no longer serve the cluster.",
        actionLabel: "Revoke key",
        onConfirm: (k) => revoke.mutateAsync({ clusterId, agentKeyId: k.id }),
      }}
    />
  );
}
