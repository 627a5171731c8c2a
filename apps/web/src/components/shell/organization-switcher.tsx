"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { Building2, Check, ChevronsUpDown, Plus } from "lucide-react";
import { useRouter } from "next/navigation";
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
} from "@/components/ui/dialog";
import { Field } from "@/components/ui/field";
import { Input } from "@/components/ui/input";
import {
  DropdownMenu,
  DropdownMenuContent,
  DropdownMenuItem,
  DropdownMenuLabel,
  DropdownMenuSeparator,
  DropdownMenuTrigger,
} from "@/components/ui/dropdown-menu";
import { roleLabels, type Role } from "@/server/organizations/roles";
import { useTRPC } from "@/lib/trpc/client";
import { fieldErrorsOf, messageOf } from "@/lib/trpc/errors";

export function OrganizationSwitcher() {
  const trpc = useTRPC();
  const router = useRouter();
  const queryClient = useQueryClient();
  const mine = useQuery(trpc.organizations.mine.queryOptions());
  const [creating, setCreating] = useState(false);
  const switchOrg = useMutation(
    trpc.organizations.switch.mutationOptions({
      onSuccess: async () => {
        await queryClient.invalidateQueries();
        router.push("/clusters");
        toast.success("Switched organization");
      },
      onError: (err) => toast.error(messageOf(err)),
    }),
  );
  const createOrg = useMutation(
    trpc.organizations.create.mutationOptions({
      onSuccess: async () => {
        setCreating(false);
        await queryClient.invalidateQueries();
        router.push("/clusters");
        toast.success("Organization created");
      },
      onError: (err) => toast.error(messageOf(err)),
    }),
  );
  const active = mine.data?.organizations.find((o) => o.id === mine.data?.activeOrganizationId);

  const errors = fieldErrorsOf(createOrg.error);
  function onCreate(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    createOrg.mutate({ name: String(new FormData(event.currentTarget).get("name") ?? "") });
  }

  return (
    <>
      <Dialog open={creating} onOpenChange={(open) => (setCreating(open), createOrg.reset())}>
        <DialogContent>
          <DialogHeader>
            <DialogTitle>New organization</DialogTitle>
            <DialogDescription>
              You become its owner; invite colleagues from Members.
            </DialogDescription>
          </DialogHeader>
          <form className="grid gap-4" onSubmit={onCreate} noValidate>
            <Field id="organization-name" label="Organization name" error={errors.name}>
              <Input id="organization-name" name="name" autoFocus aria-invalid={!!errors.name} />
            </Field>
            <DialogFooter>
              <Button type="submit" disabled={createOrg.isPending}>
                Create organization
              </Button>
            </DialogFooter>
          </form>
        </DialogContent>
      </Dialog>
      <DropdownMenu>
        <DropdownMenuTrigger
          className="flex w-full items-center gap-2 rounded-md border border-slate-700 px-2.5 py-1.5 text-left text-sm hover:bg-sidebar-accent"
          data-testid="org-switcher"
        >
          <Building2 className="size-4 shrink-0 text-slate-400" />
          <span className="flex-1 truncate text-white">{active?.name ?? "…"}</span>
          <ChevronsUpDown className="size-3.5 text-slate-400" />
        </DropdownMenuTrigger>
        <DropdownMenuContent align="start" className="w-64">
          <DropdownMenuLabel>Organizations</DropdownMenuLabel>
          {mine.data?.organizations.map((org) => (
            <DropdownMenuItem
              key={org.id}
              onSelect={() => org.id !== active?.id && switchOrg.mutate({ organizationId: org.id })}
            >
              <span className="flex-1 truncate">{org.name}</span>
              <span className="text-xs text-muted-foreground">
                {roleLabels[org.role as Role] ?? org.role}
              </span>
              {org.id === active?.id && <Check className="size-4" />}
            </DropdownMenuItem>
          ))}
          <DropdownMenuSeparator />
          <DropdownMenuItem onSelect={() => setCreating(true)}>
            <Plus className="size-4" /> New organization
          </DropdownMenuItem>
        </DropdownMenuContent>
      </DropdownMenu>
    </>
  );
}
