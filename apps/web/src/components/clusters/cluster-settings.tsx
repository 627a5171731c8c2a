"use client";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";
import { toast } from "sonner";
import { PageHeader } from "@/components/shell/page-header";
import { QueryError, TableSkeleton } from "@/components/shell/query-state";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { Field } from "@/components/ui/field";
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import { Switch } from "@/components/ui/switch";
import { useTRPC } from "@/lib/trpc/client";
import { roleAllows } from "@/server/organizations/roles";
import { fieldErrorsOf, messageOf } from "@/lib/trpc/errors";
import { useCluster } from "./use-cluster";

const hourMs = 3_600_000;

function ToggleRow({
  id,
  label,
  description,
  checked,
  onChange,
  disabled,
}: {
  id: string;
  label: string;
  description: string;
  checked: boolean;
  onChange: (v: boolean) => void;
  disabled: boolean;
}) {
  return (
    <div className="flex items-start justify-between gap-6 py-3">
      <div>
        <Label htmlFor={id}>{label}</Label>
        <p className="mt-1 text-xs text-muted-foreground">{description}</p>
      </div>
      <Switch id={id} checked={checked} onCheckedChange={onChange} disabled={disabled} />
    </div>
  );
}

export function ClusterSettings({ clusterId }: { clusterId: string }) {
  const { cluster, canWrite } = useCluster(clusterId);
  if (cluster.isPending) return <TableSkeleton />;
  if (cluster.error) return <QueryError error={cluster.error} />;
  const c = cluster.data;
  return (
    <>
      <PageHeader level={2} title="Settings" />
      <div className="grid max-w-3xl gap-6">
        <RenameCard clusterId={clusterId} name={c.name} disabled={!canWrite} />
        <SettingsCard
          key={c.updatedAt.getTime()}
          clusterId={clusterId}
          initial={{
            autoCreateTopics: c.autoCreateTopics,
            defaultPartitions: c.defaultPartitions,
            defaultRetentionMs: Number(c.defaultRetentionMs),
            requireSasl: c.requireSasl,
            deletionProtection: c.deletionProtection,
          }}
          disabled={!canWrite}
        />
        <DeleteCard
          clusterId={clusterId}
          name={c.name}
          protectedFromDeletion={c.deletionProtection}
          canDelete={roleAllows(c.role, "manage")}
        />
      </div>
    </>
  );
}

function RenameCard({
  clusterId,
  name,
  disabled,
}: {
  clusterId: string;
  name: string;
  disabled: boolean;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const rename = useMutation(
    trpc.clusters.rename.mutationOptions({
      onSuccess: async () => {
        await queryClient.invalidateQueries({ queryKey: trpc.clusters.pathKey() });
        toast.success("Cluster renamed");
      },
      onError: (err) => toast.error(messageOf(err)),
    }),
  );
  const errors = fieldErrorsOf(rename.error);
  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    rename.mutate({ clusterId, name: String(new FormData(event.currentTarget).get("name") ?? "") });
  }
  return (
    <Card>
      <CardHeader>
        <CardTitle>Name</CardTitle>
        <CardDescription>
          Clients do not use the name; renaming never disconnects anyone.
        </CardDescription>
      </CardHeader>
      <CardContent>
        <form className="flex items-start gap-2" onSubmit={onSubmit} noValidate>
          <div className="flex-1">
            <Field id="cluster-name" label="Cluster name" error={errors.name}>
              <Input
                id="cluster-name"
                name="name"
                defaultValue={name}
                disabled={disabled}
                aria-invalid={!!errors.name}
              />
            </Field>
          </div>
          <Button type="submit" className="mt-5" disabled={disabled || rename.isPending}>
            Rename
          </Button>
        </form>
      </CardContent>
    </Card>
  );
}

interface Settings {
  autoCreateTopics: boolean;
  defaultPartitions: number;
  defaultRetentionMs: number;
  requireSasl: boolean;
  deletionProtection: boolean;
}

function SettingsCard({
  clusterId,
  initial,
  disabled,
}: {
  clusterId: string;
  initial: Settings;
  disabled: boolean;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [settings, setSettings] = useState(initial);
  const [partitions, setPartitions] = useState(String(initial.defaultPartitions));
  const [retentionHours, setRetentionHours] = useState(
    initial.defaultRetentionMs < 0 ? "-1" : String(initial.defaultRetentionMs / hourMs),
  );
  const save = useMutation(
    trpc.clusters.updateSettings.mutationOptions({
      onSuccess: async () => {
        await queryClient.invalidateQueries({ queryKey: trpc.clusters.pathKey() });
        toast.success("Settings saved");
      },
      onError: (err) => toast.error(messageOf(err)),
    }),
  );
  const errors = fieldErrorsOf(save.error);
  const set =
    <K extends keyof Settings>(key: K) =>
    (value: Settings[K]) =>
      setSettings((s) => ({ ...s, [key]: value }));

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const hours = Number(retentionHours);
    save.mutate({
      clusterId,
      ...settings,
      defaultPartitions: Number(partitions),
      defaultRetentionMs: hours === -1 ? -1 : Math.round(hours * hourMs),
    });
  }

  return (
    <Card>
      <CardHeader>
        <CardTitle>Topics and security</CardTitle>
        <CardDescription>Agents pick up changes within seconds.</CardDescription>
      </CardHeader>
      <CardContent>
        <form onSubmit={onSubmit} noValidate className="grid gap-2">
          <div className="divide-y">
            <ToggleRow
              id="auto-create"
              label="Auto-create topics"
              description="Create a topic when a client produces to or fetches metadata for an unknown one."
              checked={settings.autoCreateTopics}
              onChange={set("autoCreateTopics")}
              disabled={disabled}
            />
            <ToggleRow
              id="require-sasl"
              label="Require SASL"
              description="Refuse unauthenticated connections to this cluster."
              checked={settings.requireSasl}
              onChange={set("requireSasl")}
              disabled={disabled}
            />
            <ToggleRow
              id="deletion-protection"
              label="Deletion protection"
              description="The cluster cannot be deleted while this is on."
              checked={settings.deletionProtection}
              onChange={set("deletionProtection")}
              disabled={disabled}
            />
          </div>
          <div className="grid grid-cols-2 gap-4 pt-2">
            <Field
              id="default-partitions"
              label="Default partitions"
              error={errors.defaultPartitions}
            >
              <Input
                id="default-partitions"
                type="number"
                min={1}
                max={1024}
                value={partitions}
                onChange={(e) => setPartitions(e.target.value)}
                disabled={disabled}
                aria-invalid={!!errors.defaultPartitions}
              />
            </Field>
            <Field
              id="default-retention"
              label="Default retention (hours)"
              error={errors.defaultRetentionMs}
              hint="-1 keeps data forever"
            >
              <Input
                id="default-retention"
                type="number"
                step="any"
                value={retentionHours}
                onChange={(e) => setRetentionHours(e.target.value)}
                disabled={disabled}
                aria-invalid={!!errors.defaultRetentionMs}
              />
            </Field>
          </div>
          <div className="pt-3">
            <Button type="submit" disabled={disabled || save.isPending}>
              {save.isPending ? "Saving…" : "Save settings"}
            </Button>
          </div>
        </form>
      </CardContent>
    </Card>
  );
}

function DeleteCard({
  clusterId,
  name,
  protectedFromDeletion,
  canDelete,
}: {
  clusterId: string;
  name: string;
  protectedFromDeletion: boolean;
  canDelete: boolean;
}) {
  const trpc = useTRPC();
  const router = useRouter();
  const queryClient = useQueryClient();
  const remove = useMutation(
    trpc.clusters.delete.mutationOptions({
      onSuccess: async () => {
        await queryClient.invalidateQueries({ queryKey: trpc.clusters.list.queryKey() });
        toast.success(`Cluster ${name} deleted`);
        router.push("/clusters");
      },
      onError: (err) => toast.error(messageOf(err)),
    }),
  );
  return (
    <Card className="border-red-200">
      <CardHeader>
        <CardTitle className="text-destructive">Delete cluster</CardTitle>
        <CardDescription>
          {protectedFromDeletion
            ? "Deletion protection is on. Turn it off above to delete this cluster."
            : "All credentials and agent keys are revoked at once, so new connections are refused. Topics cannot be recovered."}
        </CardDescription>
      </CardHeader>
      <CardContent>
        <ConfirmDialog
          trigger={
            <Button variant="destructive" disabled={protectedFromDeletion || !canDelete}>
              Delete cluster
            </Button>
          }
          title={`Delete ${name}?`}
          description="This cannot be undone."
          actionLabel="Delete cluster"
          confirmText={name}
          pending={remove.isPending}
          onConfirm={() =>
            remove.mutateAsync({ clusterId, confirmName: name }).catch(() => undefined)
          }
        />
        {!canDelete && (
          <p className="mt-2 text-xs text-muted-foreground">
            Only owners and admins can delete clusters.
          </p>
        )}
      </CardContent>
    </Card>
  );
}
