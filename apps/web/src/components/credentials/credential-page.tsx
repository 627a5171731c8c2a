"use client";
import { Plus, type LucideIcon } from "lucide-react";
import type { FormEvent, ReactNode } from "react";
import { PageHeader } from "@/components/shell/page-header";
import { QueryError, TableSkeleton } from "@/components/shell/query-state";
import { Button } from "@/components/ui/button";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { DataTable, type Column } from "@/components/ui/data-table";
import {
  Dialog,
  DialogContent,
  DialogDescription,
  DialogFooter,
  DialogHeader,
  DialogTitle,
  DialogTrigger,
} from "@/components/ui/dialog";
import { EmptyState } from "@/components/ui/empty-state";
import { Field } from "@/components/ui/field";
import { Input } from "@/components/ui/input";
import { formatAgo, formatDate } from "@/lib/format";
import { CredentialStatus } from "./credential-status";

/** What every kind of credential has: it is created, used, and revoked. */
export interface CredentialRow {
  id: string;
  revokedAt: Date | null;
  createdAt: Date;
  lastUsedAt: Date | null;
}

/**
 * A cluster's credentials of one kind (agent keys, Kafka credentials): a list with status,
 * creation and last use, a dialog that creates one from a single text field, the secret shown
 * once, and revocation. The page around it holds the queries and mutations.
 */
export function CredentialPage<Row extends CredentialRow>(props: {
  title: string;
  description: string;
  canWrite: boolean;
  rows: { isPending: boolean; error: { message: string } | null; data: Row[] | undefined };
  /** The columns before status, created and last used. */
  columns: Column<Row>[];
  tableTestId: string;
  /** Who created the row, when known: shown after the date. */
  createdBy?: (row: Row) => string | null;
  empty: { icon: LucideIcon; title: string; description: string };
  create: {
    open: boolean;
    onOpenChange: (open: boolean) => void;
    buttonLabel: string;
    title: string;
    description: string;
    field: {
      name: string;
      id: string;
      label: string;
      placeholder: string;
      error?: string[] | string;
    };
    submitLabel: ReactNode;
    pending: boolean;
    onSubmit: (value: string) => void;
  };
  /** The dialog that shows a created secret once. */
  reveal: ReactNode;
  revoke: {
    title: (row: Row) => string;
    description: string;
    actionLabel: string;
    pending?: boolean;
    onConfirm: (row: Row) => Promise<unknown>;
  };
}) {
  const { create, revoke, rows } = props;

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    create.onSubmit(String(new FormData(event.currentTarget).get(create.field.name) ?? ""));
  }

  const createButton = props.canWrite && (
    <Dialog open={create.open} onOpenChange={create.onOpenChange}>
      <DialogTrigger asChild>
        <Button>
          <Plus /> {create.buttonLabel}
        </Button>
      </DialogTrigger>
      <DialogContent>
        <DialogHeader>
          <DialogTitle>{create.title}</DialogTitle>
          <DialogDescription>{create.description}</DialogDescription>
        </DialogHeader>
        <form className="grid gap-4" onSubmit={onSubmit} noValidate>
          <Field id={create.field.id} label={create.field.label} error={create.field.error}>
            <Input
              id={create.field.id}
              name={create.field.name}
              placeholder={create.field.placeholder}
              aria-invalid={!!create.field.error}
            />
          </Field>
          <DialogFooter>
            <Button type="submit" disabled={create.pending}>
              {create.submitLabel}
            </Button>
          </DialogFooter>
        </form>
      </DialogContent>
    </Dialog>
  );

  const columns: Column<Row>[] = [
    ...props.columns,
    {
      key: "status",
      header: "Status",
      sortValue: (row) => (row.revokedAt ? 1 : 0),
      cell: (row) => <CredentialStatus revokedAt={row.revokedAt} />,
    },
    {
      key: "created",
      header: "Created",
      sortValue: (row) => row.createdAt.getTime(),
      cell: (row) => {
        const by = props.createdBy?.(row);
        return `${formatDate(row.createdAt)}${by ? ` by ${by}` : ""}`;
      },
    },
    {
      key: "used",
      header: "Last used",
      sortValue: (row) => row.lastUsedAt?.getTime() ?? 0,
      cell: (row) => formatAgo(row.lastUsedAt),
    },
    {
      key: "actions",
      header: "",
      cell: (row) =>
        props.canWrite &&
        !row.revokedAt && (
          <ConfirmDialog
            trigger={
              <Button variant="outline" size="sm">
                Revoke
              </Button>
            }
            title={revoke.title(row)}
            description={revoke.description}
            actionLabel={revoke.actionLabel}
            pending={revoke.pending}
            onConfirm={() => revoke.onConfirm(row).catch(() => undefined)}
          />
        ),
    },
  ];

  return (
    <>
      <PageHeader
        level={2}
        title={props.title}
        description={props.description}
        actions={createButton}
      />
      {props.reveal}
      {rows.isPending ? (
        <TableSkeleton />
      ) : rows.error ? (
        <QueryError error={rows.error} />
      ) : !rows.data?.length ? (
        <EmptyState
          icon={props.empty.icon}
          title={props.empty.title}
          description={props.empty.description}
        />
      ) : (
        <DataTable
          testId={props.tableTestId}
          rows={rows.data}
          rowKey={(row) => row.id}
          columns={columns}
        />
      )}
    </>
  );
}
