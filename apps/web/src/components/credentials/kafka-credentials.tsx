"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { ShieldCheck } from "lucide-react";
import Link from "next/link";
import { useState } from "react";
import { toast } from "sonner";
import { useCluster } from "@/components/clusters/use-cluster";
import { Button } from "@/components/ui/button";
import { useTRPC } from "@/lib/trpc/client";
import { fieldErrorsOf, messageOf } from "@/lib/trpc/errors";
import { CredentialPage } from "./credential-page";
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

  return (
    <CredentialPage
      title="Kafka credentials"
      description="SASL users of this cluster. Passwords are stored only as SCRAM verifiers and a hash."
      canWrite={canWrite}
      rows={credentials}
      tableTestId="credentials-table"
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
      ]}
      createdBy={(c) => c.createdBy?.email ?? null}
      empty={{
        icon: ShieldCheck,
        title: "No credentials yet",
        description: "Create a credential, then use it in any Kafka client with SASL_PLAINTEXT.",
      }}
      create={{
        open: createOpen,
        onOpenChange: setCreateOpen,
        buttonLabel: "Create credential",
        title: "Create a Kafka credential",
        description:
          "A SASL username and a generated password for this cluster (SCRAM-SHA-256, SCRAM-SHA-512 or PLAIN).",
        field: {
          name: "description",
          id: "credential-description",
          label: "Description (optional)",
          placeholder: "orders service, production",
          error: fieldErrorsOf(create.error).description,
        },
        submitLabel: create.isPending ? "Creating…" : "Create credential",
        pending: create.isPending,
        onSubmit: (description) =>
          create.mutate({ clusterId, description: description || undefined }),
      }}
      reveal={
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
      }
      revoke={{
        title: (c) => `Revoke ${c.username}?`,
        description: "Clients using this credential can no longer connect. This cannot be undone.",
        actionLabel: "Revoke credential",
        pending: revoke.isPending,
        onConfirm: (c) => revoke.mutateAsync({ clusterId, credentialId: c.id }),
      }}
    />
  );
}
