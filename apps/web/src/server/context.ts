import type { PrismaClient } from "@streambed/db";
import type { Auth } from "./auth/auth.ts";
import { publicOrigin } from "./http/public-origin.ts";
import type { Context } from "./trpc.ts";

/** Builds the tRPC context of one request from its session cookie. */
export async function createRequestContext(
  auth: Auth,
  prisma: PrismaClient,
  headers: Headers,
  url: string,
): Promise<Context> {
  const session = await auth.api.getSession({ headers });
  const ip = headers.get("x-forwarded-for")?.split(",")[0]?.trim() || null;
  const origin = publicOrigin(headers) ?? new URL(url).origin;
  if (!session)
    return { prisma, user: null, sessionId: null, activeOrganizationId: null, ip, origin };
  let activeOrganizationId =
    (session.session.activeOrganizationId as string | null | undefined) ?? null;
  if (!activeOrganizationId) {
    // The sign-up session is created before the sign-up hook makes the user's organization:
    // settle it on the oldest membership once.
    const first = await prisma.member.findFirst({
      where: { userId: session.user.id },
      orderBy: { createdAt: "asc" },
    });
    activeOrganizationId = first?.organizationId ?? null;
    if (activeOrganizationId) {
      await prisma.session.update({
        where: { id: session.session.id },
        data: { activeOrganizationId },
      });
    }
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
