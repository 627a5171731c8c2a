"use client";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";
import { toast } from "sonner";
import { PageHeader } from "@/components/shell/page-header";
import { Button } from "@/components/ui/button";
import { Card, CardContent } from "@/components/ui/card";
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
import { regions } from "@/server/clusters/schemas";

export function CreateClusterForm() {
  const trpc = useTRPC();
  const router = useRouter();
  const queryClient = useQueryClient();
  const [region, setRegion] = useState<(typeof regions)[number]>("local");
  const create = useMutation(
    trpc.clusters.create.mutationOptions({
      onSuccess: async (cluster) => {
        await queryClient.invalidateQueries({ queryKey: trpc.clusters.list.queryKey() });
        toast.success(`Cluster ${cluster.name} created`);
        router.push(`/clusters/${cluster.id}`);
      },
      onError: (err) => toast.error(messageOf(err)),
    }),
  );
  const errors = fieldErrorsOf(create.error);

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    create.mutate({ name: String(new FormData(event.currentTarget).get("name") ?? ""), region });
  }

  return (
    <>
      <PageHeader
        crumbs={[{ label: "Clusters", href: "/clusters" }, { label: "Create" }]}
        title="Create a cluster"
        description="A virtual cluster is reachable at once through the shared agents; its data lives in object storage."
      />
      <Card className="max-w-xl">
        <CardContent>
          <form className="grid gap-5" onSubmit={onSubmit} noValidate>
            <Field
              id="name"
              label="Cluster name"
              error={errors.name}
              hint="Lowercase letters, digits and dashes, e.g. orders-prod"
            >
              <Input
                id="name"
                name="name"
                placeholder="orders-prod"
                autoFocus
                aria-invalid={!!errors.name}
              />
            </Field>
            <Field id="region" label="Region" error={errors.region}>
              <Select value={region} onValueChange={(v) => setRegion(v as typeof region)}>
                <SelectTrigger id="region">
                  <SelectValue />
                </SelectTrigger>
                <SelectContent>
                  {regions.map((r) => (
                    <SelectItem key={r} value={r}>
                      {r}
                    </SelectItem>
                  ))}
                </SelectContent>
              </Select>
            </Field>
            <div className="flex gap-2">
              <Button type="submit" disabled={create.isPending}>
                {create.isPending ? "Creating…" : "Create cluster"}
              </Button>
              <Button type="button" variant="outline" onClick={() => router.push("/clusters")}>
                Cancel
              </Button>
            </div>
          </form>
        </CardContent>
      </Card>
    </>
  );
}
