import { Validator } from "@seriousme/openapi-schema-validator";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "@streambed/db/testing";
import {
  createClusterEndpoint,
  deleteClusterEndpoint,
  updateClusterEndpoint,
} from "../src/server/rest-api/clusters.ts";
import {
  createCredentialEndpoint,
  listCredentialsEndpoint,
  revokeCredentialEndpoint,
} from "../src/server/rest-api/credentials.ts";
import type { ApiEndpoint } from "../src/server/rest-api/endpoint.ts";
import {
  getGroupLagEndpoint,
  listGroupsEndpoint,
  resetGroupOffsetsEndpoint,
} from "../src/server/rest-api/groups.ts";
import { listAuditLogEndpoint } from "../src/server/rest-api/members.ts";
import { openApiDocument } from "../src/server/rest-api/openapi.ts";
import { RateLimiter } from "../src/server/rest-api/rate-limit.ts";
import {
  createTopicEndpoint,
  getTopicConfigsEndpoint,
  listTopicsEndpoint,
  updateTopicConfigsEndpoint,
} from "../src/server/rest-api/topics.ts";
import { callerFor, signUp, type TestUser } from "./harness.ts";
import { callEndpoint, type RestCall } from "./rest-api-call.ts";

let db: TestDatabase;
let alice: TestUser;
let writeKey: string;
let readKey: string;
let bobKey: string;

beforeAll(async () => {
  db = await createTestDatabase(inject("postgresAdminUrl"));
  alice = await signUp(db.prisma, "alice@ops-rest.test");
  const bob = await signUp(db.prisma, "bob@ops-rest.test");
  const asAlice = callerFor(db.prisma, alice);
  writeKey = (await asAlice.apiKeys.create({ name: "ci", role: "owner" })).secret;
  readKey = (await asAlice.apiKeys.create({ name: "viewer", role: "readonly" })).secret;
  bobKey = (await callerFor(db.prisma, bob).apiKeys.create({ name: "b", role: "owner" })).secret;
});
afterAll(() => db.drop());

function call(endpoint: ApiEndpoint, c: RestCall) {
  return callEndpoint(db.prisma, endpoint, c);
}

describe("REST API v1 operations", () => {
  let clusterId: string;

  it("creates a cluster once per Idempotency-Key, refusing the key with another body", async () => {
    const first = await call(createClusterEndpoint, {
      key: writeKey,
      body: { name: "rest-made" },
      idempotencyKey: "k-1",
    });
    expect(first.status).toBe(201);
    expect(first.body.data).toMatchObject({ name: "rest-made", region: "local" });
    clusterId = first.body.data.id;
    const replay = await call(createClusterEndpoint, {
      key: writeKey,
      body: { name: "rest-made" },
      idempotencyKey: "k-1",
    });
    expect(replay).toMatchObject({ status: 201, body: first.body });
    const other = await call(createClusterEndpoint, {
      key: writeKey,
      body: { name: "rest-other" },
      idempotencyKey: "k-1",
    });
    expect(other.status).toBe(422);
    expect(other.body.error.code).toBe("idempotency_key_reused");
    expect(
      await db.prisma.virtualCluster.count({ where: { organizationId: alice.organizationId } }),
    ).toBe(1);
    // Without a key, a second create of the same name is a conflict.
    expect(
      (await call(createClusterEndpoint, { key: writeKey, body: { name: "rest-made" } })).status,
    ).toBe(409);
  });

  it("answers an application credential's password once and lists it without", async () => {
    const created = await call(createCredentialEndpoint, {
      key: writeKey,
      params: { clusterId },
      body: { description: "ci" },
      idempotencyKey: "cred-1",
    });
    expect(created.status).toBe(201);
    expect(created.body.data).toMatchObject({
      username: expect.stringMatching(/^sb-/),
      password: expect.any(String),
    });
    const listed = await call(listCredentialsEndpoint, { key: readKey, params: { clusterId } });
    expect(listed.body.data).toEqual([
      expect.objectContaining({ username: created.body.data.username, revokedAt: null }),
    ]);
    expect(JSON.stringify(listed.body)).not.toContain(created.body.data.password);
    const revoked = await call(revokeCredentialEndpoint, {
      key: writeKey,
      params: { clusterId, credentialId: created.body.data.id },
    });
    expect(revoked.status).toBe(200);
    const audit = await db.prisma.auditLog.findFirstOrThrow({
      where: { action: "kafka_credential.revoked" },
    });
    expect(audit.metadata).toMatchObject({ apiKeyId: expect.any(String) });
  });

  it("creates topics, pages through them and edits their configs", async () => {
    for (const name of ["a-topic", "b-topic", "c-topic"])
      expect(
        (
          await call(createTopicEndpoint, {
            key: writeKey,
            params: { clusterId },
            body: { name, partitions: 2 },
          })
        ).status,
      ).toBe(201);
    const first = await call(listTopicsEndpoint, {
      key: readKey,
      params: { clusterId },
      query: "?limit=2",
    });
    expect(first.body.data.map((t: { name: string }) => t.name)).toEqual(["a-topic", "b-topic"]);
    const second = await call(listTopicsEndpoint, {
      key: readKey,
      params: { clusterId },
      query: `?limit=2&cursor=${first.body.nextCursor}`,
    });
    expect(second.body).toMatchObject({ data: [{ name: "c-topic" }], nextCursor: null });
    const searched = await call(listTopicsEndpoint, {
      key: readKey,
      params: { clusterId },
      query: "?limit=1&search=C-TOP",
    });
    expect(searched.body).toMatchObject({ data: [{ name: "c-topic" }], nextCursor: null });
    const changed = await call(updateTopicConfigsEndpoint, {
      key: writeKey,
      params: { clusterId, topic: "a-topic" },
      body: { configs: { "retention.ms": "3600000" } },
    });
    expect(changed.status).toBe(200);
    const configs = await call(getTopicConfigsEndpoint, {
      key: readKey,
      params: { clusterId, topic: "a-topic" },
    });
    expect(configs.body.data).toContainEqual(
      expect.objectContaining({ name: "retention.ms", value: "3600000", type: "long" }),
    );
    const bad = await call(updateTopicConfigsEndpoint, {
      key: writeKey,
      params: { clusterId, topic: "a-topic" },
      body: { configs: { "retention.ms": "never" } },
    });
    expect(bad).toMatchObject({ status: 400, body: { error: { code: "invalid_request" } } });
  });

  it("resets an idle group's offsets and refuses an active group with 409", async () => {
    await db.prisma.committedOffset.create({
      data: { clusterId, groupId: "idle", topic: "a-topic", partition: 0, committedOffset: 0n },
    });
    await db.prisma.partition.updateMany({ where: { clusterId }, data: { nextOffset: 10n } });
    const before = await call(getGroupLagEndpoint, {
      key: readKey,
      params: { clusterId, groupId: "idle" },
    });
    expect(before.body.data.partitions[0].lag).toBe("10");
    const reset = await call(resetGroupOffsetsEndpoint, {
      key: writeKey,
      params: { clusterId, groupId: "idle" },
      body: { topic: "a-topic", to: { kind: "latest" } },
    });
    expect(reset.status).toBe(200);
    expect(reset.body.data.partitions.map((p: { lag: string }) => p.lag)).toEqual(["0", "0"]);
    const groups = await call(listGroupsEndpoint, { key: readKey, params: { clusterId } });
    expect(groups.body.data).toEqual([expect.objectContaining({ groupId: "idle", lag: "0" })]);
    await db.prisma.consumerGroup.create({
      data: { clusterId, groupId: "busy", state: "Stable", members: [{ memberId: "m" }] },
    });
    const refused = await call(resetGroupOffsetsEndpoint, {
      key: writeKey,
      params: { clusterId, groupId: "busy" },
      body: { topic: "a-topic", to: { kind: "earliest" } },
    });
    expect(refused).toMatchObject({
      status: 409,
      body: { error: { code: "conflict", message: expect.stringContaining("active member") } },
    });
  });

  it("refuses a read-only key every change (403) and another organization's key (404)", async () => {
    const changes: [ApiEndpoint, RestCall][] = [
      [createClusterEndpoint, { key: readKey, body: { name: "viewer-made" } }],
      [updateClusterEndpoint, { key: readKey, params: { clusterId }, body: { name: "x-renamed" } }],
      [deleteClusterEndpoint, { key: readKey, params: { clusterId } }],
      [createCredentialEndpoint, { key: readKey, params: { clusterId }, body: {} }],
      [createTopicEndpoint, { key: readKey, params: { clusterId }, body: { name: "v" } }],
      [
        resetGroupOffsetsEndpoint,
        {
          key: readKey,
          params: { clusterId, groupId: "idle" },
          body: { topic: "a-topic", to: { kind: "earliest" } },
        },
      ],
    ];
    for (const [endpoint, c] of changes)
      expect((await call(endpoint, c)).status, endpoint.operationId).toBe(403);
    for (const [endpoint, c] of changes.slice(1)) {
      const res = await call(endpoint, { ...c, key: bobKey });
      expect(res.status, endpoint.operationId).toBe(404);
      expect(res.body.error.code).toBe("not_found");
    }
    expect((await call(listTopicsEndpoint, { key: bobKey, params: { clusterId } })).status).toBe(
      404,
    );
    expect(
      (await db.prisma.virtualCluster.findUniqueOrThrow({ where: { id: clusterId } })).name,
    ).toBe("rest-made");
  });

  it("limits each key with a token bucket: 429 with Retry-After", async () => {
    const limiter = new RateLimiter(1, 2);
    const statuses = [];
    for (let i = 0; i < 3; i++) {
      const res = await call(listTopicsEndpoint, { key: readKey, params: { clusterId }, limiter });
      statuses.push(res.status);
      if (res.status === 429) {
        expect(res.headers.get("retry-after")).toBe("1");
        expect(res.body.error.code).toBe("rate_limited");
      }
    }
    expect(statuses).toEqual([200, 200, 429]);
    // Another key has its own bucket.
    expect(
      (await call(listTopicsEndpoint, { key: writeKey, params: { clusterId }, limiter })).status,
    ).toBe(200);
  });

  it("pages the audit log and deletes a cluster", async () => {
    const page = await call(listAuditLogEndpoint, { key: writeKey, query: "?limit=3" });
    expect(page.body.data).toHaveLength(3);
    expect(page.body.nextCursor).toEqual(expect.any(String));
    const next = await call(listAuditLogEndpoint, {
      key: writeKey,
      query: `?limit=3&cursor=${page.body.nextCursor}`,
    });
    expect(next.body.data[0].id).not.toBe(page.body.data[2].id);
    expect(
      (await call(deleteClusterEndpoint, { key: writeKey, params: { clusterId } })).status,
    ).toBe(200);
  });

  it("documents every endpoint in a valid OpenAPI document", async () => {
    const document = openApiDocument();
    expect(await new Validator().validate(JSON.parse(JSON.stringify(document)))).toEqual({
      valid: true,
    });
    expect(Object.keys(document.paths ?? {})).toEqual(
      expect.arrayContaining([
        "/api/v1/clusters/{clusterId}/credentials",
        "/api/v1/clusters/{clusterId}/topics/{topic}/configs",
        "/api/v1/clusters/{clusterId}/groups/{groupId}/offsets/reset",
        "/api/v1/audit-log",
        "/api/v1/invitations",
      ]),
    );
    expect(Object.keys(document.paths?.["/api/v1/clusters"]?.post?.responses ?? {})).toEqual(
      expect.arrayContaining(["201", "409", "422", "429"]),
    );
  });
});
