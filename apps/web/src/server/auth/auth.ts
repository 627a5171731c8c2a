import { betterAuth } from "better-auth";
import { prismaAdapter } from "better-auth/adapters/prisma";
import { nextCookies } from "better-auth/next-js";
import type { PrismaClient } from "@streambed/db";
import { webConfig, type WebConfig } from "../config.ts";
import { publicOrigin } from "../http/public-origin.ts";
import { sendMail } from "../mail/send-mail.ts";
import { createOrganization } from "../organizations/create-organization.ts";

/** Sign-in attempts allowed per client address per minute. */
export const signInAttemptsPerMinute = 10;

export function createAuth(prisma: PrismaClient, config: WebConfig = webConfig()) {
  return betterAuth({
    appName: "Streambed",
    // Without a configured URL every address the console answers on is its own origin.
    ...(config.publicUrl ? { baseURL: config.publicUrl } : {}),
    secret: config.authSecret,
    trustedOrigins: (request) => {
      const origin = request ? publicOrigin(request.headers, config) : null;
      return origin ? [origin] : [];
    },
    advanced: {
      // Checked in tests too (better-auth skips it under a test runner by default).
      disableOriginCheck: false,
      // Secure cookies follow the configured URL. Without one the console must work at any
      // address, and browsers drop Secure cookies over http anywhere but on loopback.
      useSecureCookies: config.publicUrl?.startsWith("https:") ?? false,
    },
    database: prismaAdapter(prisma, { provider: "postgresql" }),
    emailAndPassword: {
      enabled: true,
      minPasswordLength: 8,
      maxPasswordLength: 128,
      autoSignIn: true,
      revokeSessionsOnPasswordReset: true,
      sendResetPassword: async ({ user, url: authUrl, token }, request) => {
        // better-auth's own link starts with the bound address (0.0.0.0) when no URL is configured.
        const origin = request ? publicOrigin(request.headers, config) : null;
        const url = origin ? `${origin}/reset-password?token=${token}` : authUrl;
        await sendMail({
          to: user.email,
          subject: "Reset your Streambed password",
          text: `Someone asked to reset the password of ${user.email}.\nOpen this link within an hour to choose a new one:\n\n${url}\n\nIf it was not you, ignore this mail.`,
        });
      },
    },
    session: {
      additionalFields: {
        activeOrganizationId: { type: "string", required: false, input: false },
      },
    },
    rateLimit: {
      enabled: true,
      window: 60,
      max: 300,
      customRules: {
        "/sign-in/email": { window: 60, max: signInAttemptsPerMinute },
        "/request-password-reset": { window: 60, max: 5 },
      },
    },
    databaseHooks: {
      user: {
        create: {
          // Every account starts with its own organization, as in Confluent Cloud.
          after: async (user) => {
            const name = user.name ? `${user.name}'s organization` : "My organization";
            await createOrganization(prisma, { name, ownerUserId: user.id });
          },
        },
      },
      session: {
        create: {
          // A new session starts in the user's oldest organization.
          before: async (session) => {
            const membership = await prisma.member.findFirst({
              where: { userId: session.userId },
              orderBy: { createdAt: "asc" },
            });
            return {
              data: { ...session, activeOrganizationId: membership?.organizationId ?? null },
            };
          },
        },
      },
    },
    plugins: [nextCookies()],
  });
}

export type Auth = ReturnType<typeof createAuth>;
