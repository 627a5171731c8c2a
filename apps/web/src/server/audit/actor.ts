import type { Prisma } from "@streambed/db";
import { recordAudit, type AuditEntry } from "./record-audit.ts";

/**
 * Who makes a change, whichever edge it came through: a signed-in user (console) or an
 * organization API key (REST). Domain operations take it to authorize nothing more (the edges did)
 * but to audit the change.
 */
export interface Actor {
  organizationId: string;
  userId: string | null;
  apiKeyId: string | null;
  ip: string | null;
}

/** Records `entry` in the actor's organization's audit log, naming the API key when there is one. */
export function auditAs(
  db: Prisma.TransactionClient,
  actor: Actor,
  entry: Omit<AuditEntry, "organizationId" | "actorUserId" | "ip">,
): Promise<void> {
  return recordAudit(db, {
    ...entry,
    organizationId: actor.organizationId,
    actorUserId: actor.userId,
    metadata: { ...entry.metadata, ...(actor.apiKeyId && { apiKeyId: actor.apiKeyId }) },
    ip: actor.ip,
  });
}
