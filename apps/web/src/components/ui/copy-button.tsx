"use client";
import { Check, Copy } from "lucide-react";
import { useState } from "react";
import { toast } from "sonner";
import { Button } from "./button";

export function CopyButton({ value, label = "Copy" }: { value: string; label?: string }) {
  const [copied, setCopied] = useState(false);
  async function copy() {
    try {
      await navigator.clipboard.writeText(value);
      setCopied(true);
      toast.success("Copied to clipboard");
      setTimeout(() => setCopied(false), 1500);
    } catch {
      toast.error("Clipboard not available: select the text and copy it");
    }
  }
  return (
    <Button
      type="button"
      variant="ghost"
      size="icon"
      onClick={() => void copy()}
      aria-label={label}
      title={label}
    >
      {copied ? <Check className="text-success" /> : <Copy />}
    </Button>
  );
}

/** A monospace value with a copy button, for addresses, usernames and secrets. */
export function CopyField({
  value,
  label,
  testId,
}: {
  value: string;
  label?: string;
  testId?: string;
}) {
  return (
    <div className="flex items-center gap-1 rounded-md border bg-muted px-3 py-1.5">
      <code className="flex-1 truncate font-mono text-sm" data-testid={testId}>
        {value}
      </code>
      <CopyButton value={value} label={label ? `Copy ${label}` : "Copy"} />
    </div>
  );
}
