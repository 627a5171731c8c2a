import type { PrismaClient } from "@streambed/db";
import type { Auth } from "./auth/auth.ts";
import type { Context } from "./trpc.ts";

/** Builds the tRPC context of one request from its session cookie. */
export async function createRequestContext(auth: Auth, prisma: PrismaClient, headers: Headers, url: string): Promise<Context> {
  const session = await auth.api.getSession({ headers });
  const ip = headers.get("x-forwarded-for")?.split(",")[0]?.trim() || null;
  const origin = new URL(url).origin;
  if (!session) return { prisma, user: null, sessionId: null, activeOrganizationId: null, ip, origin };
  let activeOrganizationId = (session.session.activeOrganizationId as string | null | undefined) ?? null;
  if (!activeOrganizationId) {
    // Sessions made before the user had an organization fall back to the oldest membership.
    const first = await prisma.member.findFirst({ where: { userId: session.user.id }, orderBy: { createdAt: "asc" } });
    activeOrganizationId = first?.organizationId ?? null;
  }
  return {
    prisma,
    user: { id: session.user.id, email: session.user.email, name: session.user.name },
    sessionId: session.session.id,
    activeOrganizationId,
    ip,
    origin,
  };
}
