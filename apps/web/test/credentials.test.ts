import { createHash } from "node:crypto";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "@streambed/db/testing";
import { verifyPlainPassword } from "@streambed/protocol/sasl/plain-hash";
import {
  deriveScramVerifiers,
  fromStoredScramVerifiers,
} from "@streambed/protocol/sasl/scram-verifiers";
import { callerFor, signUp, type TestUser } from "./harness.ts";

let db: TestDatabase;
let owner: TestUser;
let clusterId: string;
beforeAll(async () => {
  db = await createTestDatabase(inject("postgresAdminUrl"));
  owner = await signUp(db.prisma, "owner@credentials.test");
  clusterId = (
    await callerFor(db.prisma, owner).clusters.create({ name: "payments", region: "local" })
  ).id;
});
afterAll(() => db.drop());

describe("credentials router", () => {
  it("creates a Kafka credential whose password is returned once and stored only as verifiers and a hash", async () => {
    const api = callerFor(db.prisma, owner);
    const created = await api.credentials.createKafkaCredential({
      clusterId,
      description: "billing service",
    });
    expect(created.username).toMatch(/^sb-[0-9a-f]{12}$/);
    expect(created.password.length).toBeGreaterThanOrEqual(32);

    const row = await db.prisma.kafkaCredential.findUniqueOrThrow({ where: { id: created.id } });
    expect(JSON.stringify(row)).not.toContain(created.password);
    expect(await verifyPlainPassword(created.password, row.plainHash)).toBe(true);
    for (const [stored, mechanism] of [
      [row.scramSha256, "SCRAM-SHA-256"],
      [row.scramSha512, "SCRAM-SHA-512"],
    ] as const) {
      const verifiers = fromStoredScramVerifiers(stored, mechanism);
      expect(verifiers).not.toBeNull();
      const again = await deriveScramVerifiers(
        created.password,
        mechanism,
        verifiers!.iterations,
        verifiers!.salt,
      );
      expect(again.storedKey.equals(verifiers!.storedKey)).toBe(true);
    }

    const listed = await api.credentials.listKafkaCredentials({ clusterId });
    expect(listed).toEqual([
      expect.objectContaining({
        username: created.username,
        description: "billing service",
        revokedAt: null,
      }),
    ]);
    expect(JSON.stringify(listed)).not.toMatch(/plainHash|scram/);

    await api.credentials.revokeKafkaCredential({ clusterId, credentialId: created.id });
    const [revoked] = await api.credentials.listKafkaCredentials({ clusterId });
    expect(revoked!.revokedAt).toBeInstanceOf(Date);
  });

  it("creates agent keys stored as sha256 and revokes them", async () => {
    const api = callerFor(db.prisma, owner);
    const key = await api.credentials.createAgentKey({ clusterId, name: "byoc-eu" });
    expect(key.secret).toMatch(/^sbak_/);
    const row = await db.prisma.agentKey.findUniqueOrThrow({ where: { id: key.id } });
    expect(row.keyHash).toBe(createHash("sha256").update(key.secret).digest("hex"));
    expect(row.keyPrefix).toBe(key.secret.slice(0, 12));
    await api.credentials.revokeAgentKey({ clusterId, agentKeyId: key.id });
    expect((await api.credentials.listAgentKeys({ clusterId }))[0]!.revokedAt).toBeInstanceOf(Date);
    await expect(api.credentials.createAgentKey({ clusterId, name: "" })).rejects.toMatchObject({
      code: "BAD_REQUEST",
    });
  });
});
