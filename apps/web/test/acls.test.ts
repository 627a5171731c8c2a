/**
 * ACLs through tRPC and the REST API: create, list, filter, delete, enforcement and superusers,
 * each audited; the authorization matrix (read-only cannot change, another organization gets 404).
 */
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { z } from "zod";
import { createTestDatabase, type TestDatabase } from "@streambed/db/testing";
import {
  createAclEndpoint,
  deleteAclEndpoint,
  getAclEnforcementEndpoint,
  listAclsEndpoint,
  setAclEnforcementEndpoint,
  setCredentialSuperuserEndpoint,
} from "../src/server/rest-api/acls.ts";
import type { ApiEndpoint } from "../src/server/rest-api/endpoint.ts";
import { addMember, callerFor, signUp, type Caller, type TestUser } from "./harness.ts";
import { callEndpoint, type RestCall } from "./rest-api-call.ts";

let db: TestDatabase;
let bob: TestUser; // owner of org B
let alice: TestUser; // owner of org A
let reader: TestUser; // read-only member of org B
let clusterId: string;
let aClusterId: string;
let credential: { id: string; username: string };

const orders = {
  resourceType: "TOPIC",
  resourceName: "orders.",
  patternType: "PREFIXED",
  operation: "WRITE",
  permission: "ALLOW",
} as const;

beforeAll(async () => {
  db = await createTestDatabase(inject("postgresAdminUrl"));
  [bob, alice, reader] = await Promise.all([
    signUp(db.prisma, "bob@acl.test"),
    signUp(db.prisma, "alice@acl.test"),
    signUp(db.prisma, "reader@acl.test"),
  ]);
  await addMember(db.prisma, bob.organizationId, reader, "readonly");
  const asBob = callerFor(db.prisma, bob);
  clusterId = (await asBob.clusters.create({ name: "acl-cluster", region: "local" })).id;
  credential = await asBob.credentials.createKafkaCredential({ clusterId });
  aClusterId = (
    await callerFor(db.prisma, alice).clusters.create({ name: "a-cluster", region: "local" })
  ).id;
});
afterAll(() => db.drop());

async function codeOf(call: Promise<unknown>): Promise<string> {
  try {
    await call;
    return "OK";
  } catch (err) {
    return (err as { code?: string }).code ?? "THREW";
  }
}

describe("ACLs in the console", () => {
  it("creates, lists, filters and deletes ACLs, each audited", async () => {
    const api = callerFor(db.prisma, bob);
    const principal = `User:${credential.username}`;
    const created = await api.acls.create({ clusterId, ...orders, principal });
    await api.acls.create({
      clusterId,
      resourceType: "GROUP",
      resourceName: "*",
      operation: "READ",
      principal: "User:*",
    });
    expect(await api.acls.list({ clusterId })).toHaveLength(2);
    expect(await api.acls.list({ clusterId, principal })).toEqual([
      expect.objectContaining({ ...orders, principal, host: "*" }),
    ]);
    expect(await api.acls.list({ clusterId, resourceName: "ORD" })).toHaveLength(1);
    expect(await codeOf(api.acls.create({ clusterId, ...orders, principal }))).toBe("CONFLICT");

    await api.acls.delete({ clusterId, aclId: created.id });
    expect(await api.acls.list({ clusterId, principal })).toEqual([]);
    const actions = (
      await db.prisma.auditLog.findMany({
        where: { organizationId: bob.organizationId, action: { startsWith: "acl." } },
        orderBy: { createdAt: "asc" },
      })
    ).map((a) => a.action);
    expect(actions).toEqual(["acl.created", "acl.created", "acl.deleted"]);
  });

  it("answers field errors for an operation, name or pattern Kafka would refuse", async () => {
    const api = callerFor(db.prisma, bob);
    const refusal = async (input: Record<string, unknown>) => {
      try {
        await api.acls.create({ clusterId, ...orders, principal: "User:x", ...input } as never);
        return null;
      } catch (err) {
        // The zod error the console shows on the form's fields (trpc.ts's error formatter).
        expect(err).toMatchObject({ code: "BAD_REQUEST" });
        return z.flattenError((err as { cause: z.ZodError }).cause).fieldErrors;
      }
    };
    expect(await refusal({ resourceType: "GROUP", operation: "WRITE" })).toMatchObject({
      operation: [expect.stringContaining("does not apply to GROUP")],
    });
    expect(
      await refusal({ resourceType: "CLUSTER", resourceName: "c", patternType: "LITERAL" }),
    ).toMatchObject({ resourceName: [expect.stringContaining("kafka-cluster")] });
    expect(await refusal({ principal: "alice" })).toMatchObject({
      principal: [expect.stringContaining("User:")],
    });
  });

  it("computes each credential's effective permissions from enforcement, superuser and ACLs", async () => {
    const api = callerFor(db.prisma, bob);
    const principal = `User:${credential.username}`;
    await api.acls.create({ clusterId, ...orders, principal });
    await api.acls.create({
      clusterId,
      ...orders,
      resourceName: "orders.audit",
      patternType: "LITERAL",
      permission: "DENY",
      principal,
    });
    const permissionsOf = async () =>
      (await api.acls.credentialPermissions({ clusterId })).credentials.find(
        (c) => c.id === credential.id,
      )!.permissions;

    expect(await permissionsOf()).toEqual({ kind: "everything", reason: "enforcement_off" });
    await api.acls.setEnforcement({ clusterId, enabled: true });
    expect((await api.clusters.get({ clusterId })).aclEnforcement).toBe(true);
    const rules = await permissionsOf();
    expect(rules.kind === "rules" && rules.permissions).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          resourceName: "orders.",
          patternType: "PREFIXED",
          allowed: ["WRITE", "DESCRIBE"],
        }),
        expect.objectContaining({ resourceName: "orders.audit", denied: ["WRITE"] }),
        // The User:* rule of the first test applies to every credential.
        expect.objectContaining({
          resourceType: "GROUP",
          resourceName: "*",
          allowed: ["READ", "DESCRIBE"],
        }),
      ]),
    );

    await api.acls.setSuperuser({ clusterId, credentialId: credential.id, superuser: true });
    expect(await permissionsOf()).toEqual({ kind: "everything", reason: "superuser" });
    await api.acls.setSuperuser({ clusterId, credentialId: credential.id, superuser: false });
    expect((await permissionsOf()).kind).toBe("rules");

    const actions = await db.prisma.auditLog.findMany({
      where: {
        organizationId: bob.organizationId,
        action: {
          in: [
            "acl.enforcement_enabled",
            "kafka_credential.superuser_granted",
            "kafka_credential.superuser_revoked",
          ],
        },
      },
    });
    expect(actions).toHaveLength(3);
  });
});

describe("ACL authorization matrix", () => {
  type Call = (api: Caller) => Promise<unknown>;
  let aclId: string;
  beforeAll(async () => {
    const [acl] = await callerFor(db.prisma, bob).acls.list({ clusterId });
    aclId = acl!.id;
  });

  const reads: Record<string, Call> = {
    "acls.list": (api) => api.acls.list({ clusterId }),
    "acls.credentialPermissions": (api) => api.acls.credentialPermissions({ clusterId }),
  };
  const mutations: Record<string, Call> = {
    "acls.create": (api) =>
      api.acls.create({ clusterId, ...orders, resourceName: "evil", principal: "User:*" }),
    "acls.delete": (api) => api.acls.delete({ clusterId, aclId }),
    "acls.setEnforcement": (api) => api.acls.setEnforcement({ clusterId, enabled: false }),
    "acls.setSuperuser": (api) =>
      api.acls.setSuperuser({ clusterId, credentialId: credential.id, superuser: true }),
  };
  const outcomes = async (api: Caller, calls: Record<string, Call>) =>
    Object.fromEntries(
      await Promise.all(Object.entries(calls).map(async ([k, c]) => [k, await codeOf(c(api))])),
    );
  const all = (calls: Record<string, Call>, code: string) =>
    Object.fromEntries(Object.keys(calls).map((k) => [k, code]));
  const state = async () => ({
    acls: await db.prisma.aclBinding.findMany({ where: { clusterId }, orderBy: { id: "asc" } }),
    cluster: await db.prisma.virtualCluster.findUniqueOrThrow({ where: { id: clusterId } }),
    credential: await db.prisma.kafkaCredential.findUniqueOrThrow({ where: { id: credential.id } }),
  });

  it("lets a read-only member read but change nothing", async () => {
    const before = await state();
    const api = callerFor(db.prisma, reader, bob.organizationId);
    expect(await outcomes(api, reads)).toEqual(all(reads, "OK"));
    expect(await outcomes(api, mutations)).toEqual(all(mutations, "FORBIDDEN"));
    expect(await state()).toEqual(before);
  });

  it("finds nothing of another organization's cluster, nor its ACL ids under one's own", async () => {
    const before = await state();
    const api = callerFor(db.prisma, alice);
    expect(await outcomes(api, reads)).toEqual(all(reads, "NOT_FOUND"));
    expect(await outcomes(api, mutations)).toEqual(all(mutations, "NOT_FOUND"));
    expect(await codeOf(api.acls.delete({ clusterId: aClusterId, aclId }))).toBe("NOT_FOUND");
    expect(
      await codeOf(
        api.acls.setSuperuser({
          clusterId: aClusterId,
          credentialId: credential.id,
          superuser: true,
        }),
      ),
    ).toBe("NOT_FOUND");
    expect(await state()).toEqual(before);
  });
});

describe("ACLs in the REST API", () => {
  let ownerKey: string;
  let readKey: string;
  let foreignKey: string;
  beforeAll(async () => {
    const asBob = callerFor(db.prisma, bob);
    ownerKey = (await asBob.apiKeys.create({ name: "ci", role: "owner" })).secret;
    readKey = (await asBob.apiKeys.create({ name: "viewer", role: "readonly" })).secret;
    foreignKey = (await callerFor(db.prisma, alice).apiKeys.create({ name: "a", role: "owner" }))
      .secret;
  });
  const call = (endpoint: ApiEndpoint, c: RestCall) => callEndpoint(db.prisma, endpoint, c);

  it("creates, pages, filters and deletes ACLs and switches enforcement", async () => {
    const body = { ...orders, resourceName: "rest.", principal: "User:rest-client" };
    const created = await call(createAclEndpoint, {
      key: ownerKey,
      params: { clusterId },
      body,
      idempotencyKey: "acl-1",
    });
    expect(created).toMatchObject({ status: 201, body: { data: { ...body, host: "*" } } });
    const invalid = await call(createAclEndpoint, {
      key: ownerKey,
      params: { clusterId },
      body: { ...body, resourceType: "TRANSACTIONAL_ID", operation: "READ" },
    });
    expect(invalid).toMatchObject({ status: 400, body: { error: { code: "invalid_request" } } });

    const filtered = await call(listAclsEndpoint, {
      key: readKey,
      params: { clusterId },
      query: "?principal=User:rest-client",
    });
    expect(filtered.body).toMatchObject({ data: [{ id: created.body.data.id }], nextCursor: null });
    const total = await db.prisma.aclBinding.count({ where: { clusterId } });
    const first = await call(listAclsEndpoint, {
      key: readKey,
      params: { clusterId },
      query: "?limit=1",
    });
    const rest = await call(listAclsEndpoint, {
      key: readKey,
      params: { clusterId },
      query: `?limit=200&cursor=${first.body.nextCursor}`,
    });
    expect(first.body.data.length + rest.body.data.length).toBe(total);

    expect(
      (
        await call(deleteAclEndpoint, {
          key: ownerKey,
          params: { clusterId, aclId: created.body.data.id },
        })
      ).status,
    ).toBe(200);
    const off = await call(setAclEnforcementEndpoint, {
      key: ownerKey,
      params: { clusterId },
      body: { enabled: false },
    });
    expect(off.body).toEqual({ data: { aclEnforcement: false } });
    expect(
      (await call(getAclEnforcementEndpoint, { key: readKey, params: { clusterId } })).body,
    ).toEqual({ data: { aclEnforcement: false } });
    const superuser = await call(setCredentialSuperuserEndpoint, {
      key: ownerKey,
      params: { clusterId, credentialId: credential.id },
      body: { superuser: true },
    });
    expect(superuser.body).toEqual({ data: { id: credential.id, superuser: true } });
    const audit = await db.prisma.auditLog.findFirstOrThrow({
      where: { action: "acl.enforcement_disabled" },
    });
    expect(audit.metadata).toMatchObject({ apiKeyId: expect.any(String) });
  });

  it("refuses a read-only key every change (403) and another organization's key (404)", async () => {
    const [acl] = await db.prisma.aclBinding.findMany({ where: { clusterId } });
    const changes: [ApiEndpoint, Omit<RestCall, "key">][] = [
      [createAclEndpoint, { params: { clusterId }, body: { ...orders, principal: "User:x" } }],
      [deleteAclEndpoint, { params: { clusterId, aclId: acl!.id } }],
      [setAclEnforcementEndpoint, { params: { clusterId }, body: { enabled: true } }],
      [
        setCredentialSuperuserEndpoint,
        { params: { clusterId, credentialId: credential.id }, body: { superuser: false } },
      ],
    ];
    for (const [endpoint, c] of changes) {
      expect((await call(endpoint, { ...c, key: readKey })).status).toBe(403);
      expect((await call(endpoint, { ...c, key: foreignKey })).status).toBe(404);
    }
    for (const endpoint of [listAclsEndpoint, getAclEnforcementEndpoint])
      expect((await call(endpoint, { key: foreignKey, params: { clusterId } })).status).toBe(404);
    expect(await db.prisma.aclBinding.findUnique({ where: { id: acl!.id } })).not.toBeNull();
  });
});
