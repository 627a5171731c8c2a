import type { PrismaClient } from "@streambed/db";
import { auditAs, type Actor } from "../audit/actor.ts";
import { DomainError, notFound } from "../errors/domain-error.ts";
import { sendMail } from "../mail/send-mail.ts";
import type { Role } from "../organizations/roles.ts";

const invitationTtlMs = 7 * 24 * 3600 * 1000;

export function invitationLink(origin: string, invitationId: string): string {
  return `${origin}/invite/${invitationId}`;
}

export function listMembers(prisma: PrismaClient, organizationId: string) {
  return prisma.member.findMany({
    where: { organizationId },
    include: { user: { select: { id: true, email: true, name: true } } },
    orderBy: { createdAt: "asc" },
  });
}

/** Pending, unexpired invitations, newest first. */
export function listInvitations(prisma: PrismaClient, organizationId: string) {
  return prisma.invitation.findMany({
    where: { organizationId, status: "pending", expiresAt: { gt: new Date() } },
    orderBy: { createdAt: "desc" },
  });
}

/**
 * Invites `email` with `role` and mails the link. `inviter` is the member it comes from (for an
 * API key, the member who created the key); only owners may invite owners.
 */
export async function inviteMember(
  prisma: PrismaClient,
  actor: Actor,
  inviter: { userId: string; role: string },
  input: { email: string; role: Role },
  origin: string,
) {
  if (input.role === "owner" && inviter.role !== "owner")
    throw new DomainError("forbidden", "Only owners can invite owners");
  const already = await prisma.member.findFirst({
    where: { organizationId: actor.organizationId, user: { email: input.email } },
  });
  if (already) throw new DomainError("conflict", `${input.email} is already a member`);
  const invitation = await prisma.$transaction(async (tx) => {
    const created = await tx.invitation.create({
      data: {
        organizationId: actor.organizationId,
        email: input.email,
        role: input.role,
        inviterId: inviter.userId,
        expiresAt: new Date(Date.now() + invitationTtlMs),
      },
    });
    await auditAs(tx, actor, {
      action: "member.invited",
      targetType: "invitation",
      targetId: created.id,
      metadata: { email: input.email, role: input.role },
    });
    return created;
  });
  const link = invitationLink(origin, invitation.id);
  const from = await prisma.user.findUnique({ where: { id: inviter.userId } });
  await sendMail({
    to: input.email,
    subject: "You are invited to a Streambed organization",
    text: `${from?.email ?? "A member"} invited you to join their organization on Streambed as ${input.role}.\n\nAccept: ${link}\n`,
  });
  return { invitation, link };
}

export async function cancelInvitation(prisma: PrismaClient, actor: Actor, invitationId: string) {
  const { count } = await prisma.invitation.updateMany({
    where: { id: invitationId, organizationId: actor.organizationId, status: "pending" },
    data: { status: "canceled" },
  });
  if (count === 0) throw notFound("Invitation not found");
  await auditAs(prisma, actor, {
    action: "invitation.canceled",
    targetType: "invitation",
    targetId: invitationId,
  });
  return { id: invitationId };
}
