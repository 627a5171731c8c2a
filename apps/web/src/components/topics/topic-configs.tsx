"use client";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { Pencil } from "lucide-react";
import { useState, type FormEvent } from "react";
import { toast } from "sonner";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardHeader, CardTitle } from "@/components/ui/card";
import {
  Dialog,
  DialogContent,
  DialogDescription,
  DialogFooter,
  DialogHeader,
  DialogTitle,
} from "@/components/ui/dialog";
import { Field } from "@/components/ui/field";
import { Input } from "@/components/ui/input";
import { formatRetention } from "@/lib/format";
import { useTRPC } from "@/lib/trpc/client";
import { messageOf } from "@/lib/trpc/errors";
import type { DescribedTopicConfig } from "@/server/topics/topic-configs";

function shown(config: DescribedTopicConfig) {
  return config.name === "retention.ms" && /^-?\d+$/.test(config.value)
    ? `${config.value} (${formatRetention(BigInt(config.value))})`
    : config.value;
}

/** Every config the agents accept, with type, default and description; editable with write access. */
export function TopicConfigs({
  clusterId,
  topic,
  configs,
  canWrite,
}: {
  clusterId: string;
  topic: string;
  configs: DescribedTopicConfig[];
  canWrite: boolean;
}) {
  const [editing, setEditing] = useState<DescribedTopicConfig | null>(null);
  return (
    <Card className="self-start">
      <CardHeader>
        <CardTitle>Configuration</CardTitle>
      </CardHeader>
      <CardContent>
        <dl className="grid gap-4 text-sm" data-testid="topic-configs">
          {configs.map((c) => (
            <div key={c.name} className="grid gap-1" data-testid={`config-${c.name}`}>
              <div className="flex items-center justify-between gap-2">
                <dt className="font-mono text-xs">{c.name}</dt>
                <div className="flex items-center gap-1">
                  <dd className="font-mono text-xs" data-testid="config-value">
                    {shown(c)}
                  </dd>
                  {canWrite && (
                    <Button
                      variant="ghost"
                      size="icon"
                      aria-label={`Edit ${c.name}`}
                      onClick={() => setEditing(c)}
                    >
                      <Pencil />
                    </Button>
                  )}
                </div>
              </div>
              <p className="text-xs text-muted-foreground">
                <Badge variant="muted">{c.type}</Badge>{" "}
                {c.override === null ? "default" : `default ${c.default}`} · {c.description}
              </p>
            </div>
          ))}
        </dl>
      </CardContent>
      {editing && (
        <EditConfigDialog
          clusterId={clusterId}
          topic={topic}
          config={editing}
          onClose={() => setEditing(null)}
        />
      )}
    </Card>
  );
}

function EditConfigDialog({
  clusterId,
  topic,
  config,
  onClose,
}: {
  clusterId: string;
  topic: string;
  config: DescribedTopicConfig;
  onClose: () => void;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const update = useMutation(
    trpc.topics.updateConfigs.mutationOptions({
      onSuccess: async () => {
        await queryClient.invalidateQueries({ queryKey: trpc.topics.get.queryKey() });
        toast.success(`${config.name} updated`);
        onClose();
      },
    }),
  );
  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const value = String(new FormData(event.currentTarget).get("value") ?? "").trim();
    update.mutate({ clusterId, name: topic, changes: { [config.name]: value } });
  }
  return (
    <Dialog open onOpenChange={(o) => !o && onClose()}>
      <DialogContent>
        <DialogHeader>
          <DialogTitle className="font-mono">{config.name}</DialogTitle>
          <DialogDescription>{config.description}</DialogDescription>
        </DialogHeader>
        <form className="grid gap-4" onSubmit={onSubmit} noValidate>
          <Field
            id="config-value"
            label={`Value (${config.type})`}
            hint={`Default: ${config.default}`}
            error={update.error ? messageOf(update.error) : undefined}
          >
            <Input
              id="config-value"
              name="value"
              defaultValue={config.value}
              autoFocus
              className="font-mono"
            />
          </Field>
          <DialogFooter>
            {config.override !== null && (
              <Button
                type="button"
                variant="outline"
                disabled={update.isPending}
                onClick={() =>
                  update.mutate({ clusterId, name: topic, changes: { [config.name]: null } })
                }
              >
                Reset to default
              </Button>
            )}
            <Button type="submit" disabled={update.isPending}>
              {update.isPending ? "Saving…" : "Save"}
            </Button>
          </DialogFooter>
        </form>
      </DialogContent>
    </Dialog>
  );
}
