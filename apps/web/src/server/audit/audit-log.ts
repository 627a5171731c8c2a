import type { PrismaClient } from "@streambed/db";

/** One page of the organization's audit log, newest first; `cursor` is the last id of the previous page. */
export async function listAuditLog(
  prisma: PrismaClient,
  organizationId: string,
  page: { cursor?: string; limit: number },
) {
  const rows = await prisma.auditLog.findMany({
    where: { organizationId },
    include: { actor: { select: { email: true } } },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: page.limit + 1,
    ...(page.cursor ? { cursor: { id: page.cursor }, skip: 1 } : {}),
  });
  const entries = rows.slice(0, page.limit);
  return {
    entries: entries.map((r) => ({
      id: r.id,
      action: r.action,
      targetType: r.targetType,
      targetId: r.targetId,
      metadata: r.metadata as Record<string, unknown>,
      actorEmail: r.actor?.email ?? null,
      ip: r.ip,
      createdAt: r.createdAt,
    })),
    nextCursor: rows.length > page.limit ? entries.at(-1)?.id : undefined,
  };
}
