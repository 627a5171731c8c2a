import type { PrismaClient } from "@streambed/db";
import { createAuth } from "../src/server/auth/auth.ts";
import { appRouter } from "../src/server/routers/app.ts";
import { createCallerFactory, type Context } from "../src/server/trpc.ts";

const createCaller = createCallerFactory(appRouter);
export type Caller = ReturnType<typeof createCaller>;

export interface TestUser {
  id: string;
  email: string;
  name: string;
  /** The organization created at sign-up. */
  organizationId: string;
  sessionId: string;
}

/** Signs a user up through better-auth (which creates their organization) and opens a session. */
export async function signUp(prisma: PrismaClient, email: string): Promise<TestUser> {
  const auth = createAuth(prisma);
  const name = email.split("@")[0]!;
  const { token } = await auth.api.signUpEmail({
    body: { email, password: "correct-horse-battery", name },
  });
  const session = await prisma.session.findUniqueOrThrow({ where: { token: token! } });
  const member = await prisma.member.findFirstOrThrow({ where: { userId: session.userId } });
  return {
    id: session.userId,
    email,
    name,
    organizationId: member.organizationId,
    sessionId: session.id,
  };
}

/** The request context of `user` inside `organizationId` (their own by default). */
export function contextFor(
  prisma: PrismaClient,
  user: TestUser | null,
  organizationId = user?.organizationId ?? null,
): Context {
  return {
    prisma,
    user: user ? { id: user.id, email: user.email, name: user.name } : null,
    sessionId: user?.sessionId ?? null,
    activeOrganizationId: organizationId,
    ip: "127.0.0.1",
    origin: "http://localhost:3000",
  };
}

/** A tRPC caller acting as `user` inside `organizationId` (their own by default). */
export function callerFor(
  prisma: PrismaClient,
  user: TestUser | null,
  organizationId = user?.organizationId ?? null,
): Caller {
  return createCaller(contextFor(prisma, user, organizationId));
}

/** Adds `user` to `organizationId` with `role`, as an accepted invitation would. */
export async function addMember(
  prisma: PrismaClient,
  organizationId: string,
  user: TestUser,
  role: string,
) {
  return prisma.member.create({ data: { organizationId, userId: user.id, role } });
}
