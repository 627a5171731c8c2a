import type { Prisma } from "@streambed/db";

export type AuditAction =
  | "cluster.created"
  | "cluster.renamed"
  | "cluster.settings_changed"
  | "cluster.deleted"
  | "kafka_credential.created"
  | "kafka_credential.revoked"
  | "kafka_credential.scram_changed"
  | "kafka_credential.deleted"
  | "kafka_credential.superuser_granted"
  | "kafka_credential.superuser_revoked"
  | "acl.created"
  | "acl.deleted"
  | "acl.enforcement_enabled"
  | "acl.enforcement_disabled"
  | "agent_key.created"
  | "agent_key.revoked"
  | "api_key.created"
  | "api_key.revoked"
  | "topic.created"
  | "topic.deleted"
  | "message.produced"
  | "topic.configs_changed"
  | "topic.partitions_added"
  | "group.offsets_reset"
  | "group.deleted"
  | "member.invited"
  | "member.joined"
  | "member.role_changed"
  | "member.removed"
  | "invitation.canceled"
  | "billing.spend_alert"
  | "billing.spend_alert_changed"
  | "billing.clock_advanced";

export interface AuditEntry {
  organizationId: string;
  actorUserId: string | null;
  action: AuditAction;
  targetType: string;
  targetId: string;
  metadata?: Prisma.InputJsonObject;
  ip?: string | null;
}

/** Appends one row to the organization's audit log (inside the caller's transaction when given one). */
export async function recordAudit(db: Prisma.TransactionClient, entry: AuditEntry): Promise<void> {
  await db.auditLog.create({
    data: { ...entry, metadata: entry.metadata ?? {}, ip: entry.ip ?? null },
  });
}
