import { AlertTriangle } from "lucide-react";
import { Skeleton } from "@/components/ui/skeleton";

export function TableSkeleton({ rows = 4 }: { rows?: number }) {
  return (
    <div
      className="grid gap-2 rounded-lg border bg-background p-4"
      aria-busy="true"
      aria-label="Loading"
    >
      {Array.from({ length: rows }, (_, i) => (
        <Skeleton key={i} className="h-8 w-full" />
      ))}
    </div>
  );
}

export function QueryError({ error }: { error: { message: string } }) {
  return (
    <div
      className="flex items-center gap-2 rounded-lg border border-red-200 bg-red-50 px-4 py-3 text-sm text-destructive"
      role="alert"
    >
      <AlertTriangle className="size-4" /> {error.message}
    </div>
  );
}
