"use client";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { RotateCcw } from "lucide-react";
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
import { messageOf } from "@/lib/trpc/errors";

type Kind = "earliest" | "latest" | "timestamp" | "offset";

/** Moves an inactive group's committed offsets of one topic (all or one partition). */
export function ResetOffsetsDialog({
  clusterId,
  groupId,
  topics,
}: {
  clusterId: string;
  groupId: string;
  topics: string[];
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [open, setOpen] = useState(false);
  const [topic, setTopic] = useState(topics[0] ?? "");
  const [kind, setKind] = useState<Kind>("earliest");
  const reset = useMutation(
    trpc.groups.resetOffsets.mutationOptions({
      onSuccess: async (result) => {
        await queryClient.invalidateQueries({ queryKey: trpc.groups.get.queryKey() });
        await queryClient.invalidateQueries({ queryKey: trpc.groups.list.queryKey() });
        toast.success(`Offsets of ${result.topic} reset`);
        setOpen(false);
      },
    }),
  );

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const partition = String(form.get("partition") ?? "").trim();
    const value = String(form.get("value") ?? "").trim();
    const to =
      kind === "timestamp"
        ? { kind, timestamp: new Date(value).getTime() }
        : kind === "offset"
          ? { kind, offset: value }
          : { kind };
    reset.mutate({
      clusterId,
      groupId,
      topic: topic.trim(),
      partitions: partition === "" ? undefined : [Number(partition)],
      to,
    });
  }

  return (
    <Dialog
      open={open}
      onOpenChange={(o) => {
        setOpen(o);
        reset.reset();
      }}
    >
      <DialogTrigger asChild>
        <Button variant="outline">
          <RotateCcw /> Reset offsets
        </Button>
      </DialogTrigger>
      <DialogContent>
        <DialogHeader>
          <DialogTitle>Reset offsets of {groupId}</DialogTitle>
          <DialogDescription>
            Only while the group has no active members: stop its consumers first. They resume from
            the new offsets.
          </DialogDescription>
        </DialogHeader>
        <form className="grid gap-4" onSubmit={onSubmit} noValidate>
          <div className="grid grid-cols-[1fr_120px] gap-4">
            <Field id="reset-topic" label="Topic">
              <Input
                id="reset-topic"
                value={topic}
                onChange={(e) => setTopic(e.target.value)}
                list="reset-topics"
              />
              <datalist id="reset-topics">
                {topics.map((t) => (
                  <option key={t} value={t} />
                ))}
              </datalist>
            </Field>
            <Field id="reset-partition" label="Partition" hint="Empty: all">
              <Input id="reset-partition" name="partition" type="number" min={0} />
            </Field>
          </div>
          <Field id="reset-to" label="Reset to">
            <Select value={kind} onValueChange={(v) => setKind(v as Kind)}>
              <SelectTrigger id="reset-to">
                <SelectValue />
              </SelectTrigger>
              <SelectContent>
                <SelectItem value="earliest">Earliest</SelectItem>
                <SelectItem value="latest">Latest</SelectItem>
                <SelectItem value="timestamp">A point in time</SelectItem>
                <SelectItem value="offset">A specific offset</SelectItem>
              </SelectContent>
            </Select>
          </Field>
          {kind === "timestamp" && (
            <Field id="reset-value" label="Time (your local time)">
              <Input id="reset-value" name="value" type="datetime-local" step={1} required />
            </Field>
          )}
          {kind === "offset" && (
            <Field id="reset-value" label="Offset" hint="Clamped to the partition's range">
              <Input id="reset-value" name="value" inputMode="numeric" required />
            </Field>
          )}
          {reset.error && (
            <p className="text-sm text-destructive" role="alert" data-testid="reset-error">
              {messageOf(reset.error)}
            </p>
          )}
          <DialogFooter>
            <Button type="submit" disabled={reset.isPending}>
              {reset.isPending ? "Resetting…" : "Reset offsets"}
            </Button>
          </DialogFooter>
        </form>
      </DialogContent>
    </Dialog>
  );
}
