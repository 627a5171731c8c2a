"use client";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { Plus, Trash2 } from "lucide-react";
import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";
import { toast } from "sonner";
import { Button } from "@/components/ui/button";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
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
import { useTRPC } from "@/lib/trpc/client";
import { fieldErrorsOf, messageOf } from "@/lib/trpc/errors";

/** The topic page's changes: more partitions, and deletion after typing the name. */
export function TopicActions({
  clusterId,
  topic,
  partitionCount,
}: {
  clusterId: string;
  topic: string;
  partitionCount: number;
}) {
  const trpc = useTRPC();
  const router = useRouter();
  const remove = useMutation(
    trpc.topics.delete.mutationOptions({
      onSuccess: () => {
        toast.success(`Topic ${topic} deleted`);
        router.push(`/clusters/${clusterId}/topics`);
      },
      onError: (err) => toast.error(messageOf(err)),
    }),
  );
  return (
    <>
      <AddPartitionsDialog clusterId={clusterId} topic={topic} partitionCount={partitionCount} />
      <ConfirmDialog
        trigger={
          <Button variant="outline">
            <Trash2 /> Delete topic
          </Button>
        }
        title={`Delete topic ${topic}?`}
        description="Its partitions, offsets and committed group offsets are removed. Clients reading it get UNKNOWN_TOPIC_OR_PARTITION."
        actionLabel="Delete topic"
        confirmText={topic}
        pending={remove.isPending}
        onConfirm={() =>
          remove.mutateAsync({ clusterId, name: topic, confirmName: topic }).catch(() => undefined)
        }
      />
    </>
  );
}

function AddPartitionsDialog({
  clusterId,
  topic,
  partitionCount,
}: {
  clusterId: string;
  topic: string;
  partitionCount: number;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [open, setOpen] = useState(false);
  const add = useMutation(
    trpc.topics.addPartitions.mutationOptions({
      onSuccess: async (result) => {
        await queryClient.invalidateQueries({ queryKey: trpc.topics.get.queryKey() });
        toast.success(`${topic} now has ${result.partitionCount} partitions`);
        setOpen(false);
      },
    }),
  );
  const errors = fieldErrorsOf(add.error);
  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const count = Number(new FormData(event.currentTarget).get("count"));
    add.mutate({ clusterId, name: topic, partitionCount: count });
  }
  return (
    <Dialog
      open={open}
      onOpenChange={(o) => {
        setOpen(o);
        add.reset();
      }}
    >
      <DialogTrigger asChild>
        <Button variant="outline">
          <Plus /> Add partitions
        </Button>
      </DialogTrigger>
      <DialogContent>
        <DialogHeader>
          <DialogTitle>Add partitions to {topic}</DialogTitle>
          <DialogDescription>
            Partitions can be added, never removed. Keys may map to other partitions afterwards.
          </DialogDescription>
        </DialogHeader>
        <form className="grid gap-4" onSubmit={onSubmit} noValidate>
          <Field
            id="partition-count"
            label="New partition count"
            hint={`Now: ${partitionCount}`}
            error={
              errors.partitionCount ??
              (add.error && !Object.keys(errors).length ? messageOf(add.error) : undefined)
            }
          >
            <Input
              id="partition-count"
              name="count"
              type="number"
              min={partitionCount + 1}
              defaultValue={partitionCount + 1}
              autoFocus
            />
          </Field>
          <DialogFooter>
            <Button type="submit" disabled={add.isPending}>
              {add.isPending ? "Adding…" : "Add partitions"}
            </Button>
          </DialogFooter>
        </form>
      </DialogContent>
    </Dialog>
  );
}
