import { z } from "zod";
import { listAuditLog } from "../audit/audit-log.ts";
import { organizationProcedure, router } from "../trpc.ts";

export const auditRouter = router({
  list: organizationProcedure("manage")
    .input(
      z.object({
        cursor: z.string().optional(),
        limit: z.number().int().min(1).max(200).default(50),
      }),
    )
    .query(({ ctx, input }) => listAuditLog(ctx.prisma, ctx.organizationId, input)),
});
