import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "@streambed/db/testing";
import { createAuth, signInAttemptsPerMinute } from "../src/server/auth/auth.ts";
import { webConfig } from "../src/server/config.ts";
import { signUp } from "./harness.ts";

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase(inject("postgresAdminUrl"));
});
afterAll(() => db.drop());

function signInRequest(email: string, password: string, ip: string) {
  return new Request("http://localhost:3000/api/auth/sign-in/email", {
    method: "POST",
    headers: {
      "content-type": "application/json",
      origin: "http://localhost:3000",
      "x-forwarded-for": ip,
    },
    body: JSON.stringify({ email, password }),
  });
}

let clientNumber = 0;

/**
 * A sign-up as `next start --hostname 0.0.0.0` hands it over: the URL names the bound address.
 * Each from its own client address, so that sign-up rate limits stay out of the way.
 */
function signUpRequest(email: string, host: string, origin: string) {
  const ip = `10.9.0.${++clientNumber}`;
  return new Request("http://0.0.0.0:3000/api/auth/sign-up/email", {
    method: "POST",
    // better-auth checks the origin of requests that carry cookies (a browser's usually do).
    headers: {
      "content-type": "application/json",
      host,
      origin,
      cookie: "theme=dark",
      "x-forwarded-for": ip,
    },
    body: JSON.stringify({ email, password: "correct-horse-battery", name: "Origin" }),
  });
}

describe("origins", () => {
  it("accepts sign-up from whatever address the browser used, and nothing else", async () => {
    const auth = createAuth(db.prisma, { ...webConfig(), publicUrl: undefined });
    for (const [i, host] of ["127.0.0.1:3000", "192.168.7.9:3000", "[::1]:3000"].entries()) {
      const response = await auth.handler(
        signUpRequest(`origin${i}@auth.test`, host, `http://${host}`),
      );
      expect(response.status, host).toBe(200);
    }
    const forged = await auth.handler(
      signUpRequest("forged@auth.test", "127.0.0.1:3000", "http://evil.test"),
    );
    expect(forged.status).toBe(403);
  });

  it("trusts only the configured public URL when there is one", async () => {
    const auth = createAuth(db.prisma, {
      ...webConfig(),
      publicUrl: "https://console.example.com",
    });
    const other = await auth.handler(
      signUpRequest("pinned@auth.test", "127.0.0.1:3000", "http://127.0.0.1:3000"),
    );
    expect(other.status).toBe(403);
    const pinned = await auth.handler(
      signUpRequest("pinned@auth.test", "console.example.com", "https://console.example.com"),
    );
    expect(pinned.status).toBe(200);
  });
});

describe("accounts", () => {
  it("rate-limits sign-in attempts per client address", async () => {
    const auth = createAuth(db.prisma);
    await signUp(db.prisma, "limited@auth.test");
    const statuses: number[] = [];
    for (let i = 0; i <= signInAttemptsPerMinute; i++) {
      statuses.push(
        (await auth.handler(signInRequest("limited@auth.test", "wrong-password", "10.0.0.7")))
          .status,
      );
    }
    expect(statuses.slice(0, signInAttemptsPerMinute).every((s) => s === 401)).toBe(true);
    expect(statuses.at(-1)).toBe(429);
    // Another address is not affected.
    expect(
      (await auth.handler(signInRequest("limited@auth.test", "correct-horse-battery", "10.0.0.8")))
        .status,
    ).toBe(200);
  });

  it("resets a password with the emailed token", async () => {
    const auth = createAuth(db.prisma);
    await signUp(db.prisma, "forgetful@auth.test");
    await auth.api.requestPasswordReset({
      body: { email: "forgetful@auth.test", redirectTo: "http://localhost:3000/reset-password" },
    });
    const verification = await db.prisma.verification.findFirstOrThrow({
      where: { identifier: { startsWith: "reset-password:" } },
    });
    const token = verification.identifier.slice("reset-password:".length);
    await auth.api.resetPassword({ body: { token, newPassword: "a-brand-new-password" } });
    await expect(
      auth.api.signInEmail({
        body: { email: "forgetful@auth.test", password: "correct-horse-battery" },
      }),
    ).rejects.toThrow();
    const signedIn = await auth.api.signInEmail({
      body: { email: "forgetful@auth.test", password: "a-brand-new-password" },
    });
    expect(signedIn.user.email).toBe("forgetful@auth.test");
  });

  it("starts sessions in the user's organization", async () => {
    const user = await signUp(db.prisma, "sessions@auth.test");
    const { token } = await createAuth(db.prisma).api.signInEmail({
      body: { email: user.email, password: "correct-horse-battery" },
    });
    const session = await db.prisma.session.findUniqueOrThrow({ where: { token } });
    expect(session.activeOrganizationId).toBe(user.organizationId);
  });
});
