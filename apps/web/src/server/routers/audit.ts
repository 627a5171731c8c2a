import { z } from "zod";
import { organizationProcedure, router } from "../trpc.ts";

export const auditRouter = router({
  list: organizationProcedure("manage")
    .input(
      z.object({
        cursor: z.string().optional(),
        limit: z.number().int().min(1).max(200).default(50),
      }),
    )
    .query(async ({ ctx, input }) => {
      const rows = await ctx.prisma.auditLog.findMany({
        where: { organizationId: ctx.organizationId },
        include: { actor: { select: { email: true } } },
        orderBy: [{ createdAt: "desc" }, { id: "desc" }],
        take: input.limit + 1,
        ...(input.cursor ? { cursor: { id: input.cursor }, skip: 1 } : {}),
      });
      const page = rows.slice(0, input.limit);
      return {
        entries: page.map((r) => ({
          id: r.id,
          action: r.action,
          targetType: r.targetType,
          targetId: r.targetId,
          metadata: r.metadata as Record<string, unknown>,
          actorEmail: r.actor?.email ?? null,
          ip: r.ip,
          createdAt: r.createdAt,
        })),
        nextCursor: rows.length > input.limit ? page.at(-1)?.id : undefined,
      };
    }),
});
