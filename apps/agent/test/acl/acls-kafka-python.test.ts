import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "@streambed/db/testing";
import { PostgresMetadataStore } from "../../src/metadata/postgres/postgres-metadata-store.ts";
import { addCredential, createClusterWithCredential } from "../support/console-credentials.ts";
import { runClient, clientsDir } from "../support/run-client.ts";
import { startTestAgent, tempBucket, type TestAgent } from "../support/test-agents.ts";

let db: TestDatabase;
let bucket: Awaited<ReturnType<typeof tempBucket>>;
let agent: TestAgent;
let clusterId: string;
const users: Record<string, [string, string]> = {};

const topicNames = ["t-orders", "t-logs-a", "t-logs-b", "t-secret"];

beforeAll(async () => {
  db = await createTestDatabase(inject("postgresAdminUrl"));
  bucket = await tempBucket();
  const cluster = await createClusterWithCredential(db.pool, { autoCreateTopics: false });
  clusterId = cluster.clusterId;
  users.admin = [cluster.username, cluster.password];
  for (const alias of ["alice", "bob"]) {
    const c = await addCredential(db.pool, clusterId);
    users[alias] = [c.username, c.password];
  }
  await db.pool.query("UPDATE kafka_credentials SET superuser = true WHERE id = $1", [
    cluster.credentialId,
  ]);
  const store = new PostgresMetadataStore({ pool: db.pool });
  for (const topic of topicNames) await store.createTopic(clusterId, topic, 1, {});
  agent = await startTestAgent({ databaseUrl: db.url, bucketUrl: bucket.url, clusterId: "" });
});

afterAll(async () => {
  await agent?.stop();
  await db?.drop();
  await bucket?.remove();
});

type Step = { do: string; as: string } & Record<string, unknown>;

async function run(steps: Step[]): Promise<unknown[]> {
  const out = await runClient(
    "/usr/bin/python3",
    [`${clientsDir}/acl_matrix.py`, agent.bootstrap],
    { input: JSON.stringify({ users, steps }), timeoutMs: 170_000 },
  );
  return JSON.parse(out.trim().split("\n").pop()!) as unknown[];
}

const principal = (alias: string) => `User:${users[alias]![0]}`;
type Acl = [string, string, string, string, string, string, string];
const topicAcl = (
  alias: string,
  name: string,
  op: string,
  perm = "ALLOW",
  pattern = "LITERAL",
): Acl => ["TOPIC", name, pattern, alias === "*" ? "User:*" : principal(alias), "*", op, perm];
const groupAcl = (alias: string, name: string, op: string, pattern = "LITERAL"): Acl => [
  "GROUP",
  name,
  pattern,
  principal(alias),
  "*",
  op,
  "ALLOW",
];
const anyFilter = (over: Partial<Record<number, string | null>> = {}) =>
  Object.assign(["ANY", null, "ANY", null, null, "ANY", "ANY"], over);

describe("ACLs with kafka-python", () => {
  it("enforcement off: no ACL is needed", async () => {
    expect(
      await run([
        { do: "produce", as: "bob", topic: "t-secret" },
        { do: "topics", as: "bob" },
      ]),
    ).toEqual(["ok", topicNames.slice().sort()]);
  });

  it("enforcement on: principals x resources x operations x allow/deny", async () => {
    await db.pool.query("UPDATE virtual_clusters SET acl_enforcement = true WHERE id = $1", [
      clusterId,
    ]);
    const acls: Acl[] = [
      topicAcl("alice", "t-orders", "WRITE"),
      topicAcl("alice", "t-logs-", "READ", "ALLOW", "PREFIXED"),
      topicAcl("alice", "t-logs-b", "READ", "DENY"),
      topicAcl("*", "t-orders", "DESCRIBE"),
      groupAcl("alice", "g-", "READ", "PREFIXED"),
      topicAcl("bob", "*", "ALL"),
      topicAcl("bob", "t-orders", "WRITE", "DENY"),
    ];
    const results = await run([
      // The superuser creates the ACLs and the records the consumers read.
      { do: "create", as: "admin", acls },
      ...["t-logs-a", "t-logs-b", "t-secret"].map((topic) => ({
        do: "produce",
        as: "admin",
        topic,
      })),
      // WRITE allowed; READ (which implies DESCRIBE only) does not allow producing.
      { do: "produce", as: "alice", topic: "t-orders" },
      { do: "produce", as: "alice", topic: "t-logs-a" },
      // Not even DESCRIBE: Metadata answers TOPIC_AUTHORIZATION_FAILED, which kafka-python 2.0.2
      // (as against Kafka) turns into waiting for metadata until max_block_ms.
      { do: "produce", as: "alice", topic: "t-secret" },
      // DENY wins over ALL on "*".
      { do: "produce", as: "bob", topic: "t-orders" },
      { do: "produce", as: "bob", topic: "t-logs-a" },
      // Metadata lists what the principal may describe (a DENY of READ leaves DESCRIBE allowed).
      { do: "topics", as: "alice" },
      { do: "topics", as: "bob" },
      // Groups: READ on the group (prefixed) and on the topic.
      { do: "consume", as: "alice", topic: "t-logs-a", group: "g-1" },
      { do: "consume", as: "alice", topic: "t-logs-a", group: "h-1" },
      { do: "consume", as: "alice", topic: "t-logs-b", group: "g-2" },
      // Managing ACLs needs ALTER/DESCRIBE on the cluster.
      { do: "create", as: "alice", acls: [topicAcl("alice", "t-secret", "READ")] },
      { do: "describe", as: "alice", filter: anyFilter() },
    ]);
    expect(results).toEqual([
      [],
      "ok",
      "ok",
      "ok",
      "ok",
      "TopicAuthorizationFailedError",
      "KafkaTimeoutError",
      "TopicAuthorizationFailedError",
      "ok",
      ["t-logs-a", "t-logs-b", "t-orders"],
      topicNames.slice().sort(),
      "ok",
      "GroupAuthorizationFailedError",
      "TopicAuthorizationFailedError",
      ["ClusterAuthorizationFailedError"],
      "ClusterAuthorizationFailedError",
    ]);
  }, 180_000);

  it("describes with ANY, LITERAL, PREFIXED and MATCH filters and deletes by filter", async () => {
    const byName = (name: string) => (acl: Acl) => acl[1] === name;
    const [all, match, literal, prefixed, deleted, after] = (await run([
      { do: "describe", as: "admin", filter: anyFilter() },
      { do: "describe", as: "admin", filter: anyFilter({ 0: "TOPIC", 1: "t-logs-a", 2: "MATCH" }) },
      { do: "describe", as: "admin", filter: anyFilter({ 1: "t-orders", 2: "LITERAL" }) },
      { do: "describe", as: "admin", filter: anyFilter({ 2: "PREFIXED" }) },
      { do: "delete", as: "admin", filters: [anyFilter({ 3: principal("bob") })] },
      { do: "topics", as: "bob" },
    ])) as [Acl[], Acl[], Acl[], Acl[], Acl[][], string[]];
    expect(all).toHaveLength(7);
    expect(match.map((a) => a[1]).sort()).toEqual(["*", "t-logs-"]);
    expect(literal).toHaveLength(3);
    expect(literal.every(byName("t-orders"))).toBe(true);
    expect(prefixed.map((a) => a[1]).sort()).toEqual(["g-", "t-logs-"]);
    expect(deleted[0]!.map((a) => [a[1], a[5], a[6]]).sort()).toEqual([
      ["*", "ALL", "ALLOW"],
      ["t-orders", "WRITE", "DENY"],
    ]);
    // Only the User:* DESCRIBE on t-orders is left for bob.
    expect(after).toEqual(["t-orders"]);
  }, 120_000);
});
