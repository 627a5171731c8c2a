import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import {
  AclOperationTypes,
  AclPermissionTypes,
  AclResourceTypes,
  Kafka,
  ResourcePatternTypes,
  logLevel,
  type AclEntry,
} from "kafkajs";
import { createTestDatabase, type TestDatabase } from "@streambed/db/testing";
import { PostgresMetadataStore } from "../../src/metadata/postgres/postgres-metadata-store.ts";
import {
  addCredential,
  createClusterWithCredential,
  type TestCluster,
} from "../support/console-credentials.ts";
import { startTestAgent, tempBucket, type TestAgent } from "../support/test-agents.ts";

let db: TestDatabase;
let bucket: Awaited<ReturnType<typeof tempBucket>>;
let agent: TestAgent;
let cluster: TestCluster;
type User = { username: string; password: string };
let admin: User;
let alice: User;

beforeAll(async () => {
  db = await createTestDatabase(inject("postgresAdminUrl"));
  bucket = await tempBucket();
  cluster = await createClusterWithCredential(db.pool, { autoCreateTopics: false });
  admin = cluster;
  alice = await addCredential(db.pool, cluster.clusterId);
  await db.pool.query("UPDATE kafka_credentials SET superuser = true WHERE id = $1", [
    cluster.credentialId,
  ]);
  const store = new PostgresMetadataStore({ pool: db.pool });
  for (const topic of ["orders", "payments", "logs-app", "logs-web"])
    await store.createTopic(cluster.clusterId, topic, 1, {});
  agent = await startTestAgent({ databaseUrl: db.url, bucketUrl: bucket.url, clusterId: "" });
});

afterAll(async () => {
  await agent?.stop();
  await db?.drop();
  await bucket?.remove();
});

function kafka(user: User): Kafka {
  return new Kafka({
    clientId: "acl-test",
    brokers: [agent.bootstrap],
    sasl: { mechanism: "scram-sha-256", username: user.username, password: user.password },
    logLevel: logLevel.NOTHING,
    retry: { retries: 0 },
  });
}

async function asAdmin<T>(user: User, work: (a: ReturnType<Kafka["admin"]>) => Promise<T>) {
  const a = kafka(user).admin();
  await a.connect();
  try {
    return await work(a);
  } finally {
    await a.disconnect();
  }
}

/** The error type a produce as `user` ends with, or "ok". */
async function produceAs(user: User, topic: string): Promise<string> {
  const producer = kafka(user).producer({ allowAutoTopicCreation: false });
  await producer.connect();
  try {
    await producer.send({ topic, messages: [{ value: "v" }] });
    return "ok";
  } catch (err) {
    return errorType(err);
  } finally {
    await producer.disconnect();
  }
}

/** Kafka's error name of a KafkaJS error, which may wrap the protocol error it comes from. */
function errorType(err: unknown): string {
  for (let e = err as { type?: string; cause?: unknown; originalError?: unknown } | undefined; e;) {
    if (e.type) return e.type;
    e = (e.cause ?? e.originalError) as typeof e;
  }
  return (err as Error).message;
}

const setEnforcement = (on: boolean) =>
  db.pool.query("UPDATE virtual_clusters SET acl_enforcement = $2 WHERE id = $1", [
    cluster.clusterId,
    on,
  ]);

/** Waits for the agent to hear a console-side change (LISTEN/NOTIFY), by asking until it shows. */
async function eventually<T>(probe: () => Promise<T>, wanted: T): Promise<T> {
  const deadline = Date.now() + 15_000;
  let last = await probe();
  while (last !== wanted && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 100));
    last = await probe();
  }
  return last;
}

const entry = (partial: Partial<AclEntry>): AclEntry => ({
  resourceType: AclResourceTypes.TOPIC,
  resourceName: "orders",
  resourcePatternType: ResourcePatternTypes.LITERAL,
  principal: `User:${alice.username}`,
  host: "*",
  operation: AclOperationTypes.WRITE,
  permissionType: AclPermissionTypes.ALLOW,
  ...partial,
});

describe("ACLs with KafkaJS", () => {
  it("enforcement off (the default) lets any credential produce", async () => {
    expect(await produceAs(alice, "orders")).toBe("ok");
  });

  it("enforcement on: denied until an ACL allows, with the listing filtered to describable topics", async () => {
    await setEnforcement(true);
    expect(await eventually(() => produceAs(alice, "orders"), "TOPIC_AUTHORIZATION_FAILED")).toBe(
      "TOPIC_AUTHORIZATION_FAILED",
    );
    expect(await asAdmin(alice, (a) => a.listTopics())).toEqual([]);
    // The superuser passes every check, including CreateAcls.
    expect(await produceAs(admin, "payments")).toBe("ok");
    await asAdmin(admin, (a) =>
      a.createAcls({
        acl: [
          entry({}),
          entry({
            resourceName: "logs-",
            resourcePatternType: ResourcePatternTypes.PREFIXED,
            operation: AclOperationTypes.READ,
          }),
        ],
      }),
    );
    expect(await produceAs(alice, "orders")).toBe("ok");
    expect(await produceAs(alice, "payments")).toBe("TOPIC_AUTHORIZATION_FAILED");
    // READ on logs-* implies DESCRIBE but not WRITE.
    expect((await asAdmin(alice, (a) => a.listTopics())).sort()).toEqual([
      "logs-app",
      "logs-web",
      "orders",
    ]);
    expect(await produceAs(alice, "logs-app")).toBe("TOPIC_AUTHORIZATION_FAILED");
    // Alice may not manage ACLs.
    await expect(
      asAdmin(alice, (a) => a.createAcls({ acl: [entry({ resourceName: "payments" })] })),
    ).rejects.toMatchObject({ type: "CLUSTER_AUTHORIZATION_FAILED" });
  });

  it("describes with ANY and MATCH filters and deletes by filter, audited", async () => {
    const described = await asAdmin(admin, (a) =>
      a.describeAcls({
        resourceType: AclResourceTypes.TOPIC,
        resourceName: "logs-app",
        resourcePatternType: ResourcePatternTypes.MATCH,
        operation: AclOperationTypes.ANY,
        permissionType: AclPermissionTypes.ANY,
      }),
    );
    expect(described.resources).toEqual([
      {
        resourceType: AclResourceTypes.TOPIC,
        resourceName: "logs-",
        resourcePatternType: ResourcePatternTypes.PREFIXED,
        acls: [
          {
            principal: `User:${alice.username}`,
            host: "*",
            operation: AclOperationTypes.READ,
            permissionType: AclPermissionTypes.ALLOW,
          },
        ],
      },
    ]);
    const deleted = await asAdmin(admin, (a) =>
      a.deleteAcls({
        filters: [
          {
            resourceType: AclResourceTypes.ANY,
            resourcePatternType: ResourcePatternTypes.ANY,
            principal: `User:${alice.username}`,
            operation: AclOperationTypes.WRITE,
            permissionType: AclPermissionTypes.ANY,
          },
        ],
      }),
    );
    expect(deleted.filterResponses[0]!.matchingAcls).toMatchObject([
      { resourceName: "orders", operation: AclOperationTypes.WRITE },
    ]);
    expect(await produceAs(alice, "orders")).toBe("TOPIC_AUTHORIZATION_FAILED");
    const { rows } = await db.pool.query<{ action: string; metadata: { principal: string } }>(
      `SELECT a.action, a.metadata FROM audit_logs a JOIN virtual_clusters c ON c.organization_id = a.organization_id
        WHERE c.id = $1 AND a.target_type = 'acl_binding' ORDER BY a.created_at, a.action`,
      [cluster.clusterId],
    );
    expect(rows.map((r) => r.action)).toEqual(["acl.created", "acl.created", "acl.deleted"]);
    expect(rows.every((r) => r.metadata.principal === `User:${admin.username}`)).toBe(true);
  });

  it("a consumer group with DESCRIBE but not READ on the group gets GROUP_AUTHORIZATION_FAILED", async () => {
    await asAdmin(admin, (a) =>
      a.createAcls({
        acl: [
          entry({ resourceName: "payments", operation: AclOperationTypes.READ }),
          // KafkaJS reports a refused FindCoordinator as "no coordinator": let it find one.
          entry({
            resourceType: AclResourceTypes.GROUP,
            resourceName: "g-denied",
            operation: AclOperationTypes.DESCRIBE,
          }),
        ],
      }),
    );
    const consumer = kafka(alice).consumer({
      groupId: "g-denied",
      retry: { retries: 0, restartOnFailure: () => Promise.resolve(false) },
    });
    const crashed = new Promise<unknown>((resolve) =>
      consumer.on(consumer.events.CRASH, (e) => resolve(e.payload.error)),
    );
    await consumer.connect();
    try {
      await consumer.subscribe({ topics: ["payments"] });
      await consumer.run({ eachMessage: () => Promise.resolve() });
      expect(errorType(await crashed)).toBe("GROUP_AUTHORIZATION_FAILED");
    } finally {
      await consumer.disconnect();
    }
  });

  it("a credential marked superuser in the console bypasses ACLs, until unmarked", async () => {
    const mark = (superuser: boolean) =>
      db.pool.query("UPDATE kafka_credentials SET superuser = $2 WHERE username = $1", [
        alice.username,
        superuser,
      ]);
    await mark(true);
    expect(await eventually(() => produceAs(alice, "orders"), "ok")).toBe("ok");
    await mark(false);
    expect(await eventually(() => produceAs(alice, "orders"), "TOPIC_AUTHORIZATION_FAILED")).toBe(
      "TOPIC_AUTHORIZATION_FAILED",
    );
  });
});
