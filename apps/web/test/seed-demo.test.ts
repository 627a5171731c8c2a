import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "@streambed/db/testing";
import { verifyPlainPassword } from "@streambed/protocol/sasl/plain-hash";
import { createAuth } from "../src/server/auth/auth.ts";
import { authenticateApiKey } from "../src/server/rest-api/authenticate-api-key.ts";
import { seedDemo } from "../src/server/seed/demo.ts";

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase(inject("postgresAdminUrl"));
});
afterAll(() => db.drop());

const input = {
  email: "demo@streambed.local",
  password: "demo-password-1",
  saslUsername: "demo-user",
  saslPassword: "sasl-secret",
  apiKey: "sbk_demo-key-for-the-seed-test",
};

async function counts() {
  return Promise.all([
    db.prisma.user.count(),
    db.prisma.organization.count(),
    db.prisma.virtualCluster.count(),
    db.prisma.kafkaCredential.count(),
    db.prisma.apiKey.count(),
    db.prisma.kafkaCredential.findUniqueOrThrow({ where: { username: input.saslUsername } }),
  ]);
}

describe("seedDemo", () => {
  it("creates a user who can sign in, an organization, a cluster and a SASL credential, once", async () => {
    const first = await seedDemo(db.prisma, input);
    const before = await counts();
    const second = await seedDemo(db.prisma, input);
    expect(second).toEqual(first);
    expect(await counts()).toEqual(before);
    expect(before.slice(0, 5)).toEqual([1, 1, 1, 1, 1]);

    const signIn = await createAuth(db.prisma).api.signInEmail({
      body: { email: input.email, password: input.password },
    });
    expect(signIn.user.id).toBe(first.userId);

    const credential = before[5];
    expect(credential.clusterId).toBe(first.clusterId);
    expect(await verifyPlainPassword(input.saslPassword, credential.plainHash)).toBe(true);
    expect(credential.scramSha256).toMatchObject({ iterations: 8192 });
    expect(JSON.stringify(credential)).not.toContain(input.saslPassword);
  });

  it("creates an owner API key of the demo organization that the REST API accepts", async () => {
    const { organizationId } = await seedDemo(db.prisma, input);
    const principal = await authenticateApiKey(db.prisma, `Bearer ${input.apiKey}`);
    expect(principal).toMatchObject({ organizationId, role: "owner" });
    const key = await db.prisma.apiKey.findUniqueOrThrow({ where: { id: principal!.apiKeyId } });
    expect(JSON.stringify(key)).not.toContain(input.apiKey);
  });

  it("brings the credential in line when the SASL password changes", async () => {
    const result = await seedDemo(db.prisma, { ...input, saslPassword: "another-secret" });
    const credential = await db.prisma.kafkaCredential.findUniqueOrThrow({
      where: { username: input.saslUsername },
    });
    expect(credential.clusterId).toBe(result.clusterId);
    expect(await verifyPlainPassword("another-secret", credential.plainHash)).toBe(true);
  });
});
