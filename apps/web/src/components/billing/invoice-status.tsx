import { Badge } from "@/components/ui/badge";
import type { InvoiceStatus } from "@/server/billing/invoices";

const variants = {
  draft: "muted",
  open: "default",
  paid: "success",
  past_due: "destructive",
  void: "muted",
} as const;

export function InvoiceStatusBadge({ status }: { status: InvoiceStatus | "draft" }) {
  return <Badge variant={variants[status]}>{status.replace("_", " ")}</Badge>;
}
