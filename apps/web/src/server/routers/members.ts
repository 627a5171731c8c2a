import { TRPCError } from "@trpc/server";
import { z } from "zod";
import type { PrismaClient } from "@streambed/db";
import { recordAudit } from "../audit/record-audit.ts";
import {
  cancelInvitation,
  invitationLink,
  inviteMember,
  listInvitations,
  listMembers,
} from "../members/member-operations.ts";
import { invitationInput } from "../members/schemas.ts";
import { roleSchema } from "../organizations/roles.ts";
import { authedProcedure, organizationProcedure, router } from "../trpc.ts";

export const membersRouter = router({
  list: organizationProcedure("read").query(async ({ ctx }) => {
    const [members, invitations] = await Promise.all([
      listMembers(ctx.prisma, ctx.organizationId),
      listInvitations(ctx.prisma, ctx.organizationId),
    ]);
    return {
      members: members.map((m) => ({
        id: m.id,
        role: m.role,
        createdAt: m.createdAt,
        user: m.user,
        isYou: m.userId === ctx.user.id,
      })),
      invitations: invitations.map((i) => ({ ...i, link: invitationLink(ctx.origin, i.id) })),
      yourRole: ctx.role,
    };
  }),

  invite: organizationProcedure("manage")
    .input(invitationInput)
    .mutation(async ({ ctx, input }) => {
      const { invitation, link } = await inviteMember(
        ctx.prisma,
        ctx.actor,
        { userId: ctx.user.id, role: ctx.role },
        input,
        ctx.origin,
      );
      return { id: invitation.id, link };
    }),

  cancelInvitation: organizationProcedure("manage")
    .input(z.object({ invitationId: z.string().min(1) }))
    .mutation(({ ctx, input }) => cancelInvitation(ctx.prisma, ctx.actor, input.invitationId)),

  updateRole: organizationProcedure("manage")
    .input(z.object({ memberId: z.string().min(1), role: roleSchema }))
    .mutation(async ({ ctx, input }) => {
      const member = await ctx.prisma.member.findFirst({
        where: { id: input.memberId, organizationId: ctx.organizationId },
      });
      if (!member) throw new TRPCError({ code: "NOT_FOUND", message: "Member not found" });
      if ((member.role === "owner" || input.role === "owner") && ctx.role !== "owner") {
        throw new TRPCError({
          code: "FORBIDDEN",
          message: "Only owners can grant or take away the owner role",
        });
      }
      await assertAnotherOwnerRemains(
        ctx.prisma,
        ctx.organizationId,
        member,
        input.role === "owner",
      );
      return ctx.prisma.$transaction(async (tx) => {
        const updated = await tx.member.update({
          where: { id: member.id },
          data: { role: input.role },
        });
        await recordAudit(tx, {
          organizationId: ctx.organizationId,
          actorUserId: ctx.user.id,
          action: "member.role_changed",
          targetType: "member",
          targetId: member.id,
          metadata: { userId: member.userId, from: member.role, to: input.role },
          ip: ctx.ip,
        });
        return { id: updated.id, role: updated.role };
      });
    }),

  remove: organizationProcedure("manage")
    .input(z.object({ memberId: z.string().min(1) }))
    .mutation(async ({ ctx, input }) => {
      const member = await ctx.prisma.member.findFirst({
        where: { id: input.memberId, organizationId: ctx.organizationId },
      });
      if (!member) throw new TRPCError({ code: "NOT_FOUND", message: "Member not found" });
      if (member.role === "owner" && ctx.role !== "owner")
        throw new TRPCError({ code: "FORBIDDEN", message: "Only owners can remove owners" });
      await assertAnotherOwnerRemains(ctx.prisma, ctx.organizationId, member, false);
      await ctx.prisma.$transaction(async (tx) => {
        await tx.member.delete({ where: { id: member.id } });
        await recordAudit(tx, {
          organizationId: ctx.organizationId,
          actorUserId: ctx.user.id,
          action: "member.removed",
          targetType: "member",
          targetId: member.id,
          metadata: { userId: member.userId, role: member.role },
          ip: ctx.ip,
        });
      });
      return { id: member.id };
    }),

  /** The invitation page: who invited whom to what, before accepting. */
  invitation: authedProcedure
    .input(z.object({ invitationId: z.string().min(1) }))
    .query(async ({ ctx, input }) => {
      const invitation = await ctx.prisma.invitation.findUnique({
        where: { id: input.invitationId },
        include: { organization: { select: { name: true } }, inviter: { select: { email: true } } },
      });
      if (!invitation || invitation.email.toLowerCase() !== ctx.user.email.toLowerCase()) {
        throw new TRPCError({
          code: "NOT_FOUND",
          message: "This invitation does not exist or is for another email address",
        });
      }
      return {
        id: invitation.id,
        organizationName: invitation.organization.name,
        inviterEmail: invitation.inviter.email,
        role: invitation.role,
        status:
          invitation.expiresAt < new Date() && invitation.status === "pending"
            ? "expired"
            : invitation.status,
      };
    }),

  accept: authedProcedure
    .input(z.object({ invitationId: z.string().min(1) }))
    .mutation(async ({ ctx, input }) => {
      const invitation = await ctx.prisma.invitation.findUnique({
        where: { id: input.invitationId },
      });
      if (!invitation || invitation.email.toLowerCase() !== ctx.user.email.toLowerCase()) {
        throw new TRPCError({
          code: "NOT_FOUND",
          message: "This invitation does not exist or is for another email address",
        });
      }
      if (invitation.status !== "pending" || invitation.expiresAt < new Date()) {
        throw new TRPCError({
          code: "PRECONDITION_FAILED",
          message: "This invitation is no longer valid",
        });
      }
      const user = ctx.user;
      await ctx.prisma.$transaction(async (tx) => {
        await tx.invitation.update({ where: { id: invitation.id }, data: { status: "accepted" } });
        const member = await tx.member.upsert({
          where: {
            organizationId_userId: { organizationId: invitation.organizationId, userId: user.id },
          },
          create: {
            organizationId: invitation.organizationId,
            userId: user.id,
            role: invitation.role,
          },
          update: {},
        });
        if (ctx.sessionId)
          await tx.session.update({
            where: { id: ctx.sessionId },
            data: { activeOrganizationId: invitation.organizationId },
          });
        await recordAudit(tx, {
          organizationId: invitation.organizationId,
          actorUserId: user.id,
          action: "member.joined",
          targetType: "member",
          targetId: member.id,
          metadata: { email: user.email, role: invitation.role, invitationId: invitation.id },
          ip: ctx.ip,
        });
      });
      return { organizationId: invitation.organizationId };
    }),
});

async function assertAnotherOwnerRemains(
  prisma: PrismaClient,
  organizationId: string,
  member: { id: string; role: string },
  staysOwner: boolean,
) {
  if (member.role !== "owner" || staysOwner) return;
  const owners = await prisma.member.count({ where: { organizationId, role: "owner" } });
  if (owners <= 1)
    throw new TRPCError({
      code: "PRECONDITION_FAILED",
      message: "An organization needs at least one owner",
    });
}
