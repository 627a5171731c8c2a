import { Badge } from "@/components/ui/badge";

export function CredentialStatus({ revokedAt }: { revokedAt: Date | null }) {
  return revokedAt ? (
    <Badge variant="destructive">Revoked</Badge>
  ) : (
    <Badge variant="success">Active</Badge>
  );
}
