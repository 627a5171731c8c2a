"use client";
import { TriangleAlert } from "lucide-react";
import type { ReactNode } from "react";
import { Button } from "@/components/ui/button";
import { CopyField } from "@/components/ui/copy-button";
import {
  Dialog,
  DialogContent,
  DialogDescription,
  DialogFooter,
  DialogHeader,
  DialogTitle,
} from "@/components/ui/dialog";

/** Shows freshly created secrets exactly once; closing the dialog forgets them. */
export function SecretReveal({
  title,
  fields,
  footer,
  onClose,
}: {
  title: string;
  fields: { label: string; value: string; testId: string }[] | null;
  footer?: ReactNode;
  onClose: () => void;
}) {
  return (
    <Dialog open={fields !== null} onOpenChange={(open) => !open && onClose()}>
      <DialogContent onInteractOutside={(e) => e.preventDefault()}>
        <DialogHeader>
          <DialogTitle>{title}</DialogTitle>
          <DialogDescription className="flex items-start gap-2 rounded-md bg-amber-50 p-3 text-amber-900">
            <TriangleAlert className="mt-0.5 size-4 shrink-0" />
            Copy the secret now. Streambed stores only a hash of it and cannot show it again.
          </DialogDescription>
        </DialogHeader>
        <div className="grid gap-3">
          {fields?.map((f) => (
            <div key={f.label} className="grid gap-1">
              <span className="text-xs font-medium text-muted-foreground">{f.label}</span>
              <CopyField value={f.value} label={f.label.toLowerCase()} testId={f.testId} />
            </div>
          ))}
        </div>
        <DialogFooter>
          {footer}
          <Button onClick={onClose}>I have saved it</Button>
        </DialogFooter>
      </DialogContent>
    </Dialog>
  );
}
