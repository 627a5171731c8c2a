import { Waves } from "lucide-react";
import { cn } from "@/lib/cn";

export function Logo({ className, inverted = false }: { className?: string; inverted?: boolean }) {
  return (
    <span className={cn("inline-flex items-center gap-2 font-semibold tracking-tight", className)}>
      <span className="flex size-7 items-center justify-center rounded-md bg-primary text-primary-foreground">
        <Waves className="size-4" />
      </span>
      <span className={inverted ? "text-white" : "text-foreground"}>Streambed</span>
    </span>
  );
}
