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
import {
  clusterResourceName,
  operationsByResource,
  patternTypes,
  permissions,
  resourceTypes,
  type Operation,
  type PatternType,
  type Permission,
  type ResourceType,
} from "@/server/acls/acl-model";

function EnumSelect<T extends string>({
  id,
  value,
  options,
  onChange,
}: {
  id: string;
  value: T;
  options: readonly T[];
  onChange: (value: T) => void;
}) {
  return (
    <Select value={value} onValueChange={(v) => onChange(v as T)}>
      <SelectTrigger id={id}>
        <SelectValue />
      </SelectTrigger>
      <SelectContent>
        {options.map((o) => (
          <SelectItem key={o} value={o}>
            {o}
          </SelectItem>
        ))}
      </SelectContent>
    </Select>
  );
}

/** A form for one ACL binding in Kafka's terms; the server's zod errors show on the fields. */
export function CreateAclDialog({
  clusterId,
  principals,
}: {
  clusterId: string;
  /** The cluster's credentials as principals, offered as suggestions. */
  principals: string[];
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [open, setOpen] = useState(false);
  const [resourceType, setResourceType] = useState<ResourceType>("TOPIC");
  const [patternType, setPatternType] = useState<PatternType>("LITERAL");
  const [operation, setOperation] = useState<Operation>("READ");
  const [permission, setPermission] = useState<Permission>("ALLOW");
  const create = useMutation(
    trpc.acls.create.mutationOptions({
      onSuccess: async (acl) => {
        await queryClient.invalidateQueries({ queryKey: trpc.acls.pathKey() });
        toast.success(
          `${acl.permission} ${acl.operation} on ${acl.resourceName} for ${acl.principal}`,
        );
        setOpen(false);
      },
      onError: (err) => toast.error(messageOf(err)),
    }),
  );
  const errors = fieldErrorsOf(create.error);

  function changeResourceType(type: ResourceType) {
    setResourceType(type);
    if (!operationsByResource[type].includes(operation))
      setOperation(operationsByResource[type][0]!);
    if (type === "CLUSTER") setPatternType("LITERAL");
  }

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    create.mutate({
      clusterId,
      resourceType,
      resourceName: String(form.get("resourceName") ?? ""),
      patternType,
      principal: String(form.get("principal") ?? ""),
      operation,
      permission,
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
          <Plus /> Add ACL
        </Button>
      </DialogTrigger>
      <DialogContent>
        <DialogHeader>
          <DialogTitle>Add an ACL</DialogTitle>
          <DialogDescription>
            Kafka&apos;s terms: a principal may (or may not) perform an operation on resources
            matching a pattern. DENY wins over ALLOW.
          </DialogDescription>
        </DialogHeader>
        <form className="grid gap-4" onSubmit={onSubmit} noValidate>
          <Field
            id="acl-principal"
            label="Principal"
            error={errors.principal}
            hint="User:<credential username>, or User:* for every credential"
          >
            <Input
              id="acl-principal"
              name="principal"
              list="acl-principals"
              placeholder="User:sb-…"
              autoFocus
              autoComplete="off"
              aria-invalid={!!errors.principal}
            />
            <datalist id="acl-principals">
              {["User:*", ...principals].map((p) => (
                <option key={p} value={p} />
              ))}
            </datalist>
          </Field>
          <div className="grid grid-cols-2 gap-4">
            <Field id="acl-resource-type" label="Resource type" error={errors.resourceType}>
              <EnumSelect
                id="acl-resource-type"
                value={resourceType}
                options={resourceTypes}
                onChange={changeResourceType}
              />
            </Field>
            <Field id="acl-pattern-type" label="Pattern" error={errors.patternType}>
              <EnumSelect
                id="acl-pattern-type"
                value={patternType}
                options={resourceType === "CLUSTER" ? (["LITERAL"] as const) : patternTypes}
                onChange={setPatternType}
              />
            </Field>
          </div>
          <Field
            id="acl-resource-name"
            label={patternType === "PREFIXED" ? "Name prefix" : "Resource name"}
            error={errors.resourceName}
            hint={
              resourceType === "CLUSTER"
                ? `The cluster resource is named ${clusterResourceName}`
                : "* (LITERAL) matches every resource of this type"
            }
          >
            <Input
              key={resourceType === "CLUSTER" ? "cluster" : "named"}
              id="acl-resource-name"
              name="resourceName"
              defaultValue={resourceType === "CLUSTER" ? clusterResourceName : ""}
              placeholder="orders"
              autoComplete="off"
              aria-invalid={!!errors.resourceName}
            />
          </Field>
          <div className="grid grid-cols-2 gap-4">
            <Field id="acl-operation" label="Operation" error={errors.operation}>
              <EnumSelect
                id="acl-operation"
                value={operation}
                options={operationsByResource[resourceType]}
                onChange={setOperation}
              />
            </Field>
            <Field id="acl-permission" label="Permission" error={errors.permission}>
              <EnumSelect
                id="acl-permission"
                value={permission}
                options={permissions}
                onChange={setPermission}
              />
            </Field>
          </div>
          <DialogFooter>
            <Button type="submit" disabled={create.isPending}>
              {create.isPending ? "Adding…" : "Add ACL"}
            </Button>
          </DialogFooter>
        </form>
      </DialogContent>
    </Dialog>
  );
}
