import { TRPCError } from "@trpc/server";
import { z } from "zod";
import { createOrganization } from "../organizations/create-organization.ts";
import { authedProcedure, router } from "../trpc.ts";

export const organizationsRouter = router({
  /** The organizations the caller belongs to, and which one is active. */
  mine: authedProcedure.query(async ({ ctx }) => {
    const memberships = await ctx.prisma.member.findMany({
      where: { userId: ctx.user.id },
      include: { organization: { select: { id: true, name: true, slug: true } } },
      orderBy: { createdAt: "asc" },
    });
    return {
      user: ctx.user,
      activeOrganizationId: ctx.activeOrganizationId,
      organizations: memberships.map((m) => ({ ...m.organization, role: m.role })),
    };
  }),

  switch: authedProcedure
    .input(z.object({ organizationId: z.string().min(1) }))
    .mutation(async ({ ctx, input }) => {
      const member = await ctx.prisma.member.findUnique({
        where: {
          organizationId_userId: { organizationId: input.organizationId, userId: ctx.user.id },
        },
      });
      if (!member || !ctx.sessionId)
        throw new TRPCError({
          code: "FORBIDDEN",
          message: "You are not a member of this organization",
        });
      await ctx.prisma.session.update({
        where: { id: ctx.sessionId },
        data: { activeOrganizationId: input.organizationId },
      });
      return { organizationId: input.organizationId };
    }),

  create: authedProcedure
    .input(
      z.object({
        name: z.string().trim().min(2, "At least 2 characters").max(64, "At most 64 characters"),
      }),
    )
    .mutation(async ({ ctx, input }) => {
      const organization = await createOrganization(ctx.prisma, {
        name: input.name,
        ownerUserId: ctx.user.id,
      });
      if (ctx.sessionId)
        await ctx.prisma.session.update({
          where: { id: ctx.sessionId },
          data: { activeOrganizationId: organization.id },
        });
      return { id: organization.id, name: organization.name };
    }),
});
