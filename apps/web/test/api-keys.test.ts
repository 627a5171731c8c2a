import { createHash } from "node:crypto";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "@streambed/db/testing";
import { addMember, callerFor, signUp, type TestUser } from "./harness.ts";

let db: TestDatabase;
let owner: TestUser;
beforeAll(async () => {
  db = await createTestDatabase(inject("postgresAdminUrl"));
  owner = await signUp(db.prisma, "owner@api-keys.test");
});
afterAll(() => db.drop());

describe("apiKeys router", () => {
  it("creates a key shown once and stored as sha256, lists it, revokes it, and audits both", async () => {
    const api = callerFor(db.prisma, owner);
    const key = await api.apiKeys.create({ name: "exporter", role: "readonly" });
    expect(key.secret).toMatch(/^sbk_[\w-]{40}$/);
    const row = await db.prisma.apiKey.findUniqueOrThrow({ where: { id: key.id } });
    expect(row).toMatchObject({
      organizationId: owner.organizationId,
      role: "readonly",
      keyPrefix: key.secret.slice(0, 12),
      keyHash: createHash("sha256").update(key.secret).digest("hex"),
      createdById: owner.id,
    });

    const listed = await api.apiKeys.list();
    expect(listed).toEqual([
      expect.objectContaining({ id: key.id, name: "exporter", role: "readonly", revokedAt: null }),
    ]);
    expect(JSON.stringify(listed)).not.toContain("keyHash");

    await api.apiKeys.revoke({ apiKeyId: key.id });
    expect((await api.apiKeys.list())[0]!.revokedAt).toBeInstanceOf(Date);
    const audit = await db.prisma.auditLog.findMany({
      where: { organizationId: owner.organizationId, targetId: key.id },
      orderBy: { createdAt: "asc" },
    });
    expect(audit.map((a) => a.action)).toEqual(["api_key.created", "api_key.revoked"]);
    await expect(api.apiKeys.create({ name: " ", role: "member" })).rejects.toMatchObject({
      code: "BAD_REQUEST",
    });
  });

  it("lets owners and admins manage keys, never beyond their own role, and everyone list them", async () => {
    const admin = await signUp(db.prisma, "admin@api-keys.test");
    const member = await signUp(db.prisma, "member@api-keys.test");
    const viewer = await signUp(db.prisma, "viewer@api-keys.test");
    await addMember(db.prisma, owner.organizationId, admin, "admin");
    await addMember(db.prisma, owner.organizationId, member, "member");
    await addMember(db.prisma, owner.organizationId, viewer, "readonly");
    const asAdmin = callerFor(db.prisma, admin, owner.organizationId);
    const asMember = callerFor(db.prisma, member, owner.organizationId);
    const asViewer = callerFor(db.prisma, viewer, owner.organizationId);

    const key = await asAdmin.apiKeys.create({ name: "ci", role: "member" });
    await expect(asAdmin.apiKeys.create({ name: "x", role: "owner" })).rejects.toMatchObject({
      code: "FORBIDDEN",
    });
    await expect(asAdmin.apiKeys.create({ name: "x", role: "billing" })).rejects.toMatchObject({
      code: "FORBIDDEN",
    });
    await expect(asMember.apiKeys.create({ name: "x", role: "readonly" })).rejects.toMatchObject({
      code: "FORBIDDEN",
    });
    await expect(asViewer.apiKeys.revoke({ apiKeyId: key.id })).rejects.toMatchObject({
      code: "FORBIDDEN",
    });
    expect((await asViewer.apiKeys.list()).map((k) => k.id)).toContain(key.id);
  });

  it("finds no key of another organization", async () => {
    const mallory = await signUp(db.prisma, "mallory@api-keys.test");
    const key = await callerFor(db.prisma, owner).apiKeys.create({ name: "t", role: "readonly" });
    const asMallory = callerFor(db.prisma, mallory);
    await expect(asMallory.apiKeys.revoke({ apiKeyId: key.id })).rejects.toMatchObject({
      code: "NOT_FOUND",
    });
    expect(await asMallory.apiKeys.list()).toEqual([]);
    // Pretending to be in the owner's organization without membership is refused outright.
    await expect(
      callerFor(db.prisma, mallory, owner.organizationId).apiKeys.list(),
    ).rejects.toMatchObject({ code: "FORBIDDEN" });
  });
});
