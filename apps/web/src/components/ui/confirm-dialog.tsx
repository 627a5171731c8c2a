"use client";
import { useState, type ReactNode } from "react";
import { Button } from "./button";
import {
  Dialog,
  DialogContent,
  DialogDescription,
  DialogFooter,
  DialogHeader,
  DialogTitle,
  DialogTrigger,
} from "./dialog";
import { Input } from "./input";
import { Label } from "./label";

/** A destructive action behind a dialog; with `confirmText`, the user must type it first. */
export function ConfirmDialog({
  trigger,
  title,
  description,
  actionLabel,
  confirmText,
  onConfirm,
  pending,
}: {
  trigger: ReactNode;
  title: string;
  description: ReactNode;
  actionLabel: string;
  confirmText?: string;
  onConfirm: () => Promise<unknown> | void;
  pending?: boolean;
}) {
  const [open, setOpen] = useState(false);
  const [typed, setTyped] = useState("");
  const ready = confirmText === undefined || typed === confirmText;
  async function confirm() {
    await onConfirm();
    setOpen(false);
  }
  return (
    <Dialog
      open={open}
      onOpenChange={(o) => {
        setOpen(o);
        setTyped("");
      }}
    >
      <DialogTrigger asChild>{trigger}</DialogTrigger>
      <DialogContent>
        <DialogHeader>
          <DialogTitle>{title}</DialogTitle>
          <DialogDescription>{description}</DialogDescription>
        </DialogHeader>
        {confirmText !== undefined && (
          <div className="grid gap-1.5">
            <Label htmlFor="confirm-text">
              Type <code className="font-mono">{confirmText}</code> to confirm
            </Label>
            <Input
              id="confirm-text"
              value={typed}
              onChange={(e) => setTyped(e.target.value)}
              autoComplete="off"
            />
          </div>
        )}
        <DialogFooter>
          <Button variant="outline" onClick={() => setOpen(false)}>
            Cancel
          </Button>
          <Button variant="destructive" disabled={!ready || pending} onClick={() => void confirm()}>
            {actionLabel}
          </Button>
        </DialogFooter>
      </DialogContent>
    </Dialog>
  );
}
