"use client";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { Send } from "lucide-react";
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

const textareaClass =
  "min-h-24 w-full rounded-md border border-input bg-background px-3 py-2 font-mono text-sm shadow-sm focus-visible:outline-none focus-visible:ring-2 focus-visible:ring-ring";

/** "name: value" per line, as HTTP writes headers. */
function parseHeaders(text: string): { key: string; value: string }[] | string {
  const headers = [];
  for (const line of text.split("\n")) {
    if (!line.trim()) continue;
    const at = line.indexOf(":");
    if (at <= 0) return `"${line}" is not "name: value"`;
    headers.push({ key: line.slice(0, at).trim(), value: line.slice(at + 1).trim() });
  }
  return headers;
}

export function ProduceMessageDialog({
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
  const [partition, setPartition] = useState("auto");
  const [headerError, setHeaderError] = useState<string | undefined>();
  const [result, setResult] = useState<{ partition: number; offset: bigint } | null>(null);
  const produce = useMutation(
    trpc.messages.produce.mutationOptions({
      onSuccess: async (r) => {
        setResult(r);
        toast.success(`Produced to partition ${r.partition} at offset ${r.offset}`);
        await queryClient.invalidateQueries({ queryKey: trpc.messages.browse.queryKey() });
      },
      onError: (err) => toast.error(messageOf(err)),
    }),
  );
  const errors = fieldErrorsOf(produce.error);

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const headers = parseHeaders(String(form.get("headers") ?? ""));
    if (typeof headers === "string") return setHeaderError(headers);
    setHeaderError(undefined);
    const key = String(form.get("key") ?? "");
    produce.mutate({
      clusterId,
      topic,
      partition: partition === "auto" ? null : Number(partition),
      key: key === "" ? null : key,
      value: String(form.get("value") ?? ""),
      headers,
    });
  }

  return (
    <Dialog
      open={open}
      onOpenChange={(next) => {
        setOpen(next);
        if (!next) setResult(null);
      }}
    >
      <DialogTrigger asChild>
        <Button variant="outline">
          <Send /> Produce message
        </Button>
      </DialogTrigger>
      <DialogContent>
        <DialogHeader>
          <DialogTitle>Produce a message to {topic}</DialogTitle>
          <DialogDescription>
            Sent through an agent with acks=all, as any Kafka producer would; recorded in the audit
            log.
          </DialogDescription>
        </DialogHeader>
        <form className="grid gap-3" onSubmit={onSubmit}>
          <Field id="produce-partition" label="Partition">
            <Select value={partition} onValueChange={setPartition}>
              <SelectTrigger id="produce-partition">
                <SelectValue />
              </SelectTrigger>
              <SelectContent>
                <SelectItem value="auto">Auto (by key, as Kafka clients do)</SelectItem>
                {Array.from({ length: partitionCount }, (_, p) => (
                  <SelectItem key={p} value={String(p)}>
                    Partition {p}
                  </SelectItem>
                ))}
              </SelectContent>
            </Select>
          </Field>
          <Field id="produce-key" label="Key (empty: none)" error={errors.key}>
            <Input id="produce-key" name="key" autoComplete="off" />
          </Field>
          <Field id="produce-value" label="Value" error={errors.value}>
            <textarea id="produce-value" name="value" className={textareaClass} />
          </Field>
          <Field
            id="produce-headers"
            label="Headers"
            hint="One per line: name: value"
            error={headerError ?? errors.headers}
          >
            <textarea id="produce-headers" name="headers" className={`${textareaClass} min-h-16`} />
          </Field>
          {result && (
            <p
              className="rounded-md bg-green-50 px-3 py-2 text-sm text-green-800"
              role="status"
              data-testid="produce-result"
            >
              Produced to partition {result.partition} at offset {result.offset.toString()}
            </p>
          )}
          <DialogFooter>
            <Button type="submit" disabled={produce.isPending}>
              {produce.isPending ? "Producing…" : "Produce"}
            </Button>
          </DialogFooter>
        </form>
      </DialogContent>
    </Dialog>
  );
}
