import { Badge } from "@/components/ui/badge";

export function GroupState({ state }: { state: string }) {
  const variant =
    state === "Stable" ? "success" : state === "Empty" || state === "Dead" ? "muted" : "warning";
  return <Badge variant={variant}>{state}</Badge>;
}
