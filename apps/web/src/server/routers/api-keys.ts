import { TRPCError } from "@trpc/server";
import { z } from "zod";
import { generateApiKey } from "../api-keys/api-key.ts";
import { recordAudit } from "../audit/record-audit.ts";
import { roleSchema, roleWithin } from "../organizations/roles.ts";
import { organizationProcedure, router } from "../trpc.ts";

const apiKeyName = z.string().trim().min(1, "Give the key a name").max(64, "At most 64 characters");

/** Organization keys of the REST API (/api/v1). Owners and admins manage them. */
export const apiKeysRouter = router({
  list: organizationProcedure("read").query(({ ctx }) =>
    ctx.prisma.apiKey.findMany({
      where: { organizationId: ctx.organizationId },
      select: {
        id: true,
        name: true,
        keyPrefix: true,
        role: true,
        createdAt: true,
        lastUsedAt: true,
        revokedAt: true,
        createdBy: { select: { email: true } },
      },
      orderBy: { createdAt: "desc" },
    }),
  ),

  /** Returns the key once; only its sha256 is stored. */
  create: organizationProcedure("manage")
    .input(z.object({ name: apiKeyName, role: roleSchema }))
    .mutation(async ({ ctx, input }) => {
      // A key must not let its creator do more than their own role allows.
      if (!roleWithin(input.role, ctx.role))
        throw new TRPCError({
          code: "FORBIDDEN",
          message: `Your role (${ctx.role}) cannot create ${input.role} keys`,
        });
      const { secret, keyPrefix, keyHash } = generateApiKey();
      const key = await ctx.prisma.$transaction(async (tx) => {
        const created = await tx.apiKey.create({
          data: {
            organizationId: ctx.organizationId,
            name: input.name,
            role: input.role,
            keyPrefix,
            keyHash,
            createdById: ctx.user.id,
          },
        });
        await recordAudit(tx, {
          organizationId: ctx.organizationId,
          actorUserId: ctx.user.id,
          action: "api_key.created",
          targetType: "api_key",
          targetId: created.id,
          metadata: { name: input.name, role: input.role, keyPrefix },
          ip: ctx.ip,
        });
        return created;
      });
      return { id: key.id, name: key.name, secret };
    }),

  revoke: organizationProcedure("manage")
    .input(z.object({ apiKeyId: z.string().min(1) }))
    .mutation(async ({ ctx, input }) => {
      const key = await ctx.prisma.apiKey.findFirst({
        where: { id: input.apiKeyId, organizationId: ctx.organizationId },
      });
      if (!key) throw new TRPCError({ code: "NOT_FOUND", message: "API key not found" });
      if (key.revokedAt) return { id: key.id };
      await ctx.prisma.$transaction(async (tx) => {
        await tx.apiKey.update({ where: { id: key.id }, data: { revokedAt: new Date() } });
        await recordAudit(tx, {
          organizationId: ctx.organizationId,
          actorUserId: ctx.user.id,
          action: "api_key.revoked",
          targetType: "api_key",
          targetId: key.id,
          metadata: { name: key.name, keyPrefix: key.keyPrefix },
          ip: ctx.ip,
        });
      });
      return { id: key.id };
    }),
});
