"use client";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { Plus } from "lucide-react";
import { useState, type FormEvent } from "react";
import { toast } from "sonner";
import { Button } from "@/components/ui/button";
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
import {
  Select,
  SelectContent,
  SelectItem,
  SelectTrigger,
  SelectValue,
} from "@/components/ui/select";
import { useTRPC } from "@/lib/trpc/client";
import { fieldErrorsOf, messageOf } from "@/lib/trpc/errors";

const retentionChoices = [
  { label: "Cluster default", value: "" },
  { label: "1 hour", value: "3600000" },
  { label: "1 day", value: "86400000" },
  { label: "7 days", value: "604800000" },
  { label: "30 days", value: "2592000000" },
  { label: "Forever", value: "-1" },
];

export function CreateTopicDialog({
  clusterId,
  defaultPartitions,
}: {
  clusterId: string;
  defaultPartitions: number;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [open, setOpen] = useState(false);
  const [retention, setRetention] = useState("");
  const [cleanup, setCleanup] = useState<"delete" | "compact">("delete");
  const create = useMutation(
    trpc.topics.create.mutationOptions({
      onSuccess: async (topic) => {
        await queryClient.invalidateQueries({ queryKey: trpc.topics.list.queryKey() });
        toast.success(
          `Topic ${topic.name} created with ${topic.partitionCount} partition${topic.partitionCount === 1 ? "" : "s"}`,
        );
        setOpen(false);
      },
      onError: (err) => toast.error(messageOf(err)),
    }),
  );
  const errors = fieldErrorsOf(create.error);

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const partitions = String(form.get("partitions") ?? "").trim();
    create.mutate({
      clusterId,
      name: String(form.get("name") ?? ""),
      partitions: partitions === "" ? undefined : Number(partitions),
      retentionMs: retention === "" ? undefined : Number(retention),
      cleanupPolicy: cleanup,
    });
  }

  return (
    <Dialog
      open={open}
      onOpenChange={(o) => {
        setOpen(o);
        create.reset();
      }}
    >
      <DialogTrigger asChild>
        <Button>
          <Plus /> Create topic
        </Button>
      </DialogTrigger>
      <DialogContent>
        <DialogHeader>
          <DialogTitle>Create a topic</DialogTitle>
          <DialogDescription>Producers and consumers see it immediately.</DialogDescription>
        </DialogHeader>
        <form className="grid gap-4" onSubmit={onSubmit} noValidate>
          <Field id="topic-name" label="Topic name" error={errors.name}>
            <Input
              id="topic-name"
              name="name"
              placeholder="orders.v1"
              autoFocus
              aria-invalid={!!errors.name}
            />
          </Field>
          <Field
            id="topic-partitions"
            label="Partitions"
            error={errors.partitions}
            hint={`Cluster default: ${defaultPartitions}`}
          >
            <Input
              id="topic-partitions"
              name="partitions"
              type="number"
              min={1}
              max={1024}
              placeholder={String(defaultPartitions)}
              aria-invalid={!!errors.partitions}
            />
          </Field>
          <div className="grid grid-cols-2 gap-4">
            <Field id="topic-retention" label="Retention" error={errors.retentionMs}>
              <Select
                value={retention || "default"}
                onValueChange={(v) => setRetention(v === "default" ? "" : v)}
              >
                <SelectTrigger id="topic-retention">
                  <SelectValue />
                </SelectTrigger>
                <SelectContent>
                  {retentionChoices.map((c) => (
                    <SelectItem key={c.label} value={c.value || "default"}>
                      {c.label}
                    </SelectItem>
                  ))}
                </SelectContent>
              </Select>
            </Field>
            <Field id="topic-cleanup" label="Cleanup policy" error={errors.cleanupPolicy}>
              <Select value={cleanup} onValueChange={(v) => setCleanup(v as typeof cleanup)}>
                <SelectTrigger id="topic-cleanup">
                  <SelectValue />
                </SelectTrigger>
                <SelectContent>
                  <SelectItem value="delete">delete</SelectItem>
                  <SelectItem value="compact">compact</SelectItem>
                </SelectContent>
              </Select>
            </Field>
          </div>
          <DialogFooter>
            <Button type="submit" disabled={create.isPending}>
              {create.isPending ? "Creating…" : "Create topic"}
            </Button>
          </DialogFooter>
        </form>
      </DialogContent>
    </Dialog>
  );
}
