import { pbkdf2Sync, randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import {
  ApiKey,
  ErrorCode,
  type AlterUserScramCredentialsResponse,
  type DescribeUserScramCredentialsResponse,
} from "@streambed/protocol";
import { createTestDatabase, type TestDatabase } from "@streambed/db/testing";
import {
  addCredential,
  createClusterWithCredential,
  type TestCluster,
} from "../support/console-credentials.ts";
import { RawKafkaClient } from "../support/raw-kafka-client.ts";
import { runClient } from "../support/run-client.ts";
import { startTestAgent, tempBucket, type TestAgent } from "../support/test-agents.ts";

// Describe/AlterUserScramCredentials through the generated codecs (kafka-python 2.0.2, KafkaJS
// and @platformatic/kafka's Admin have no such calls); logins through librdkafka (kcat).
let db: TestDatabase;
let bucket: Awaited<ReturnType<typeof tempBucket>>;
let agent: TestAgent;
let cluster: TestCluster;
let other: TestCluster;
let internalUser: string;
let raw: RawKafkaClient;

beforeAll(async () => {
  db = await createTestDatabase(inject("postgresAdminUrl"));
  bucket = await tempBucket();
  cluster = await createClusterWithCredential(db.pool, { requireSasl: false });
  other = await createClusterWithCredential(db.pool);
  const internal = await addCredential(db.pool, cluster.clusterId);
  internalUser = internal.username;
  await db.pool.query("UPDATE kafka_credentials SET internal = true WHERE id = $1", [
    internal.credentialId,
  ]);
  agent = await startTestAgent({
    databaseUrl: db.url,
    bucketUrl: bucket.url,
    clusterId: cluster.clusterId,
  });
  raw = await RawKafkaClient.connect(agent.bootstrap);
});

afterAll(async () => {
  raw?.close();
  await agent?.stop();
  await db?.drop();
  await bucket?.remove();
});

const SHA256 = 1;
const SHA512 = 2;

function describeUsers(names: string[] | null) {
  return raw.request<DescribeUserScramCredentialsResponse>(ApiKey.DescribeUserScramCredentials, 0, {
    users: names?.map((name) => ({ name })) ?? null,
  });
}

function upsertion(name: string, password: string, mechanism = SHA256, iterations = 8192) {
  const salt = randomBytes(24);
  const [hash, length] = mechanism === SHA512 ? ["sha512", 64] : ["sha256", 32];
  return {
    name,
    mechanism,
    iterations,
    salt,
    saltedPassword: pbkdf2Sync(password, salt, iterations, length, hash),
  };
}

function alter(
  upsertions: ReturnType<typeof upsertion>[],
  deletions: { name: string; mechanism: number }[] = [],
) {
  return raw.request<AlterUserScramCredentialsResponse>(ApiKey.AlterUserScramCredentials, 0, {
    deletions,
    upsertions,
  });
}

const codes = (r: AlterUserScramCredentialsResponse) =>
  Object.fromEntries(r.results.map((x) => [x.user, x.errorCode]));

function kcatList(username: string, password: string, mechanism: string) {
  return runClient(
    "kcat",
    [
      ...["-b", agent.bootstrap, "-L", "-X", "security.protocol=SASL_PLAINTEXT"],
      ...["-X", `sasl.mechanisms=${mechanism}`, "-X", `sasl.username=${username}`],
      ...["-X", `sasl.password=${password}`, "-m", "5"],
    ],
    { timeoutMs: 20_000 },
  );
}

describe("Describe/AlterUserScramCredentials", () => {
  it("lists the cluster's credentials, never internal ones or another cluster's", async () => {
    const all = await describeUsers(null);
    expect(all.errorCode).toBe(ErrorCode.NONE);
    expect(all.results).toEqual([
      {
        user: cluster.username,
        errorCode: 0,
        errorMessage: null,
        credentialInfos: [
          { mechanism: SHA256, iterations: 4096 },
          { mechanism: SHA512, iterations: 4096 },
        ],
      },
    ]);
    const named = await describeUsers([internalUser, other.username, cluster.username, "x", "x"]);
    expect(Object.fromEntries(named.results.map((r) => [r.user, r.errorCode]))).toEqual({
      [internalUser]: ErrorCode.RESOURCE_NOT_FOUND,
      [other.username]: ErrorCode.RESOURCE_NOT_FOUND,
      [cluster.username]: ErrorCode.NONE,
      x: ErrorCode.DUPLICATE_RESOURCE,
    });
  });

  it("creates a credential a real client then authenticates with over SCRAM", async () => {
    const password = randomBytes(12).toString("base64url");
    const created = await alter([upsertion("tool-user", password)]);
    expect(codes(created)).toEqual({ "tool-user": ErrorCode.NONE });
    expect((await describeUsers(["tool-user"])).results[0]!.credentialInfos).toEqual([
      { mechanism: SHA256, iterations: 8192 },
    ]);
    expect(await kcatList("tool-user", password, "SCRAM-SHA-256")).toContain("broker");
    // Only the mechanism that was set exists, and PLAIN has no password.
    await expect(kcatList("tool-user", password, "SCRAM-SHA-512")).rejects.toThrow();
    await expect(kcatList("tool-user", password, "PLAIN")).rejects.toThrow();

    // A second mechanism, then a new password: the old one stops working at once on this agent.
    expect(codes(await alter([upsertion("tool-user", password, SHA512)]))).toEqual({
      "tool-user": 0,
    });
    expect(await kcatList("tool-user", password, "SCRAM-SHA-512")).toContain("broker");
    const changed = randomBytes(12).toString("base64url");
    expect(codes(await alter([upsertion("tool-user", changed)]))).toEqual({ "tool-user": 0 });
    await expect(kcatList("tool-user", password, "SCRAM-SHA-256")).rejects.toThrow();
    expect(await kcatList("tool-user", changed, "SCRAM-SHA-256")).toContain("broker");

    // Deleting both mechanisms deletes the credential.
    expect(codes(await alter([], [{ name: "tool-user", mechanism: SHA256 }]))).toEqual({
      "tool-user": 0,
    });
    expect(codes(await alter([], [{ name: "tool-user", mechanism: SHA256 }]))).toEqual({
      "tool-user": ErrorCode.RESOURCE_NOT_FOUND,
    });
    expect(codes(await alter([], [{ name: "tool-user", mechanism: SHA512 }]))).toEqual({
      "tool-user": 0,
    });
    expect((await describeUsers(["tool-user"])).results[0]!.errorCode).toBe(
      ErrorCode.RESOURCE_NOT_FOUND,
    );
    await expect(kcatList("tool-user", password, "SCRAM-SHA-512")).rejects.toThrow();
    const { rows } = await db.pool.query<{ action: string; metadata: { via: string } }>(
      `SELECT action, metadata FROM audit_logs WHERE target_type = 'kafka_credential'
        AND metadata->>'username' = 'tool-user' ORDER BY created_at`,
    );
    expect(rows.map((r) => r.action)).toEqual([
      "kafka_credential.created",
      "kafka_credential.scram_changed",
      "kafka_credential.scram_changed",
      "kafka_credential.scram_changed",
      "kafka_credential.deleted",
    ]);
    expect(rows.every((r) => r.metadata.via === "AlterUserScramCredentials")).toBe(true);
  });

  it("answers Kafka's error codes per user", async () => {
    const response = await alter(
      [
        upsertion("few", "pw", SHA256, 1000),
        upsertion("many", "pw", SHA256, 20_000),
        { ...upsertion("mech", "pw"), mechanism: 3 },
        { ...upsertion("short", "pw"), saltedPassword: Buffer.alloc(5) },
        upsertion("twice", "pw"),
        upsertion("", "pw"),
        upsertion(internalUser, "pw"),
        upsertion(other.username, "pw"),
      ],
      [
        { name: "twice", mechanism: SHA512 },
        { name: "nobody", mechanism: SHA256 },
        { name: internalUser + "-x", mechanism: SHA256 },
      ],
    );
    expect(codes(response)).toEqual({
      few: ErrorCode.UNACCEPTABLE_CREDENTIAL,
      many: ErrorCode.UNACCEPTABLE_CREDENTIAL,
      mech: ErrorCode.UNSUPPORTED_SASL_MECHANISM,
      short: ErrorCode.UNACCEPTABLE_CREDENTIAL,
      twice: ErrorCode.DUPLICATE_RESOURCE,
      "": ErrorCode.UNACCEPTABLE_CREDENTIAL,
      [internalUser]: ErrorCode.UNACCEPTABLE_CREDENTIAL,
      [other.username]: ErrorCode.UNACCEPTABLE_CREDENTIAL,
      nobody: ErrorCode.RESOURCE_NOT_FOUND,
      [internalUser + "-x"]: ErrorCode.RESOURCE_NOT_FOUND,
    });
    // Internal credentials cannot be deleted either.
    expect(codes(await alter([], [{ name: internalUser, mechanism: SHA256 }]))).toEqual({
      [internalUser]: ErrorCode.RESOURCE_NOT_FOUND,
    });
  });
});
