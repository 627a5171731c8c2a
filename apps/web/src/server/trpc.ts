import { initTRPC, TRPCError } from "@trpc/server";
import superjson from "superjson";
import { ZodError, z } from "zod";
import type { PrismaClient, VirtualCluster } from "@streambed/db";
import type { Actor } from "./audit/actor.ts";
import { webConfig } from "./config.ts";
import { DomainError, type DomainErrorKind } from "./errors/domain-error.ts";
import { roleAllows, type Access } from "./organizations/roles.ts";

/** What every procedure sees: the database and, when signed in, the caller and their active organization. */
export interface Context {
  prisma: PrismaClient;
  user: { id: string; email: string; name: string } | null;
  sessionId: string | null;
  activeOrganizationId: string | null;
  ip: string | null;
  /** Origin of the console as the caller sees it, for links (invitations). */
  origin: string;
}

const t = initTRPC.context<Context>().create({
  transformer: superjson,
  errorFormatter({ shape, error }) {
    const fieldErrors =
      error.cause instanceof ZodError ? z.flattenError(error.cause).fieldErrors : null;
    // Unexpected failures are logged server-side; the browser gets no database or stack details.
    const message =
      error.code === "INTERNAL_SERVER_ERROR" && webConfig().production
        ? "Something went wrong on our side; try again"
        : shape.message;
    return { ...shape, message, data: { ...shape.data, fieldErrors } };
  },
});

export const router = t.router;
export const createCallerFactory = t.createCallerFactory;

const domainErrorCodes: Record<DomainErrorKind, TRPCError["code"]> = {
  not_found: "NOT_FOUND",
  conflict: "CONFLICT",
  invalid: "BAD_REQUEST",
  precondition_failed: "PRECONDITION_FAILED",
  forbidden: "FORBIDDEN",
};

/** Domain refusals (server/<domain>/ modules) reach the console as the matching tRPC error. */
export const publicProcedure = t.procedure.use(async ({ next }) => {
  const result = await next();
  if (!result.ok && result.error.cause instanceof DomainError) {
    const { kind, message } = result.error.cause;
    throw new TRPCError({ code: domainErrorCodes[kind], message, cause: result.error.cause });
  }
  return result;
});

export const authedProcedure = publicProcedure.use(({ ctx, next }) => {
  if (!ctx.user) throw new TRPCError({ code: "UNAUTHORIZED", message: "Sign in first" });
  return next({ ctx: { ...ctx, user: ctx.user } });
});

const accessVerbs: Record<Access, string> = {
  read: "view this organization",
  write: "make changes",
  manage: "manage members, the audit log or cluster deletion",
  billing: "manage billing",
};

function clusterIdOf(input: unknown): string | undefined {
  if (typeof input !== "object" || input === null || !("clusterId" in input)) return undefined;
  return typeof input.clusterId === "string" ? input.clusterId : undefined;
}

/**
 * The one authorization check: the caller is a member of their active organization, their role
 * grants `access`, and a `clusterId` in the input belongs to that organization. Resources are then
 * looked up under ctx.organizationId / ctx.cluster, so an id from another organization finds nothing.
 */
export function organizationProcedure(access: Access) {
  return authedProcedure.use(async ({ ctx, next, getRawInput }) => {
    const organizationId = ctx.activeOrganizationId;
    const member = organizationId
      ? await ctx.prisma.member.findUnique({
          where: { organizationId_userId: { organizationId, userId: ctx.user.id } },
        })
      : null;
    if (!organizationId || !member)
      throw new TRPCError({
        code: "FORBIDDEN",
        message: "You are not a member of this organization",
      });
    if (!roleAllows(member.role, access)) {
      throw new TRPCError({
        code: "FORBIDDEN",
        message: `Your role (${member.role}) does not allow you to ${accessVerbs[access]}`,
      });
    }
    const clusterId = clusterIdOf(await getRawInput());
    let cluster: VirtualCluster | null = null;
    if (clusterId !== undefined) {
      cluster = await ctx.prisma.virtualCluster.findFirst({
        where: { id: clusterId, organizationId, deletedAt: null },
      });
      if (!cluster) throw new TRPCError({ code: "NOT_FOUND", message: "Cluster not found" });
    }
    const actor: Actor = { organizationId, userId: ctx.user.id, apiKeyId: null, ip: ctx.ip };
    return next({ ctx: { ...ctx, organizationId, role: member.role, cluster, actor } });
  });
}

/** An organization procedure about one cluster: input carries clusterId, ctx.cluster is that cluster. */
export function clusterProcedure(access: Access) {
  return organizationProcedure(access)
    .input(z.object({ clusterId: z.string().min(1) }))
    .use(({ ctx, next }) => {
      if (!ctx.cluster) throw new TRPCError({ code: "NOT_FOUND", message: "Cluster not found" });
      return next({ ctx: { ...ctx, cluster: ctx.cluster } });
    });
}
