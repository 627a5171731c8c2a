import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { Kafka, logLevel, type SASLOptions } from "kafkajs";
import {
  ApiKey,
  buildRecordBatch,
  type ProduceResponse,
  type SaslAuthenticateResponse,
  type SaslHandshakeResponse,
} from "@streambed/protocol";
import { createTestDatabase, type TestDatabase } from "@streambed/db/testing";
import {
  addCredential,
  createClusterWithCredential,
  type TestCluster,
} from "./support/console-credentials.ts";
import { RawKafkaClient } from "./support/raw-kafka-client.ts";
import { startTestAgent, tempBucket, type TestAgent } from "./support/test-agents.ts";

let db: TestDatabase;
let bucket: Awaited<ReturnType<typeof tempBucket>>;
let agent: TestAgent;
let clusterA: TestCluster;
let clusterB: TestCluster;

beforeAll(async () => {
  db = await createTestDatabase(inject("postgresAdminUrl"));
  bucket = await tempBucket();
  [clusterA, clusterB] = await Promise.all([
    createClusterWithCredential(db.pool),
    createClusterWithCredential(db.pool),
  ]);
  // A shared agent: no cluster of its own, every connection's cluster comes from its credential.
  agent = await startTestAgent({ databaseUrl: db.url, bucketUrl: bucket.url, clusterId: "" });
});

afterAll(async () => {
  await agent?.stop();
  await db?.drop();
  await bucket?.remove();
});

function kafka(sasl: SASLOptions | undefined): Kafka {
  return new Kafka({
    clientId: "sasl-test",
    brokers: [agent.bootstrap],
    sasl,
    logLevel: logLevel.NOTHING,
    retry: { retries: 0 },
    connectionTimeout: 3000,
  });
}

const as = (
  cluster: { username: string; password: string },
  mechanism: "plain" | "scram-sha-256" | "scram-sha-512" = "plain",
): SASLOptions =>
  ({ mechanism, username: cluster.username, password: cluster.password }) as SASLOptions;

describe("SASL with KafkaJS", () => {
  for (const mechanism of ["plain", "scram-sha-256", "scram-sha-512"] as const) {
    it(`authenticates with ${mechanism}, produces and reads back in the credential's cluster`, async () => {
      const client = kafka(as(clusterA, mechanism));
      const topic = `t-${mechanism}`;
      const producer = client.producer({ allowAutoTopicCreation: true });
      await producer.connect();
      try {
        const [sent] = await producer.send({ topic, acks: -1, messages: [{ value: mechanism }] });
        expect(sent!.errorCode).toBe(0);
      } finally {
        await producer.disconnect();
      }
      const admin = client.admin();
      await admin.connect();
      try {
        expect(await admin.fetchTopicOffsets(topic)).toEqual([
          expect.objectContaining({ partition: 0, high: "1" }),
        ]);
      } finally {
        await admin.disconnect();
      }
    });
  }

  it("rejects a wrong password with an authentication error", async () => {
    const admin = kafka(
      as({ username: clusterA.username, password: "not-the-password" }, "scram-sha-512"),
    ).admin();
    await expect(admin.connect()).rejects.toThrow(/SASL|authentication/i);
  });

  it("lets the right password in while another client from the same address fails in a loop", async () => {
    // A credential rotation: one application keeps the old password, another has the new one.
    const rotated = await addCredential(db.pool, clusterA.clusterId);
    const wrong = as({ username: rotated.username, password: "the-old-password" }, "scram-sha-512");
    let failures = 0;
    let looping = true;
    const loop = (async () => {
      while (looping) {
        await kafka(wrong)
          .admin()
          .connect()
          .catch(() => failures++);
      }
    })();
    try {
      while (failures < 12) await new Promise((r) => setTimeout(r, 50));
      const connects = async (credential: { username: string; password: string }) => {
        const admin = kafka(as(credential, "scram-sha-512")).admin();
        await admin.connect();
        await admin.listTopics();
        await admin.disconnect();
      };
      // The same username gets in, slowed down at worst; another user of the address is untouched.
      const started = performance.now();
      await connects(clusterB);
      expect(performance.now() - started).toBeLessThan(1500);
      await connects(rotated);
      const throttled = await agent.metrics.saslThrottled.get();
      expect(throttled.values.find((v) => v.labels.outcome === "delayed")?.value).toBeGreaterThan(
        0,
      );
    } finally {
      looping = false;
      await loop;
    }
  }, 60_000);

  it("refuses every request but ApiVersions and SASL before authentication", async () => {
    const admin = kafka(undefined).admin();
    await admin.connect();
    try {
      await expect(admin.listTopics()).rejects.toThrow();
    } finally {
      await admin.disconnect();
    }
  });

  it("keeps clusters apart: a credential never sees another cluster's topics", async () => {
    const adminB = kafka(as(clusterB, "scram-sha-256")).admin();
    const adminA = kafka(as(clusterA)).admin();
    await Promise.all([adminA.connect(), adminB.connect()]);
    try {
      await adminB.createTopics({ topics: [{ topic: "only-in-b", numPartitions: 2 }] });
      expect(await adminB.listTopics()).toContain("only-in-b");
      expect(await adminA.listTopics()).not.toContain("only-in-b");
      expect(await adminB.listTopics()).not.toContain("t-plain");
    } finally {
      await Promise.all([adminA.disconnect(), adminB.disconnect()]);
    }
  });

  it("stops accepting a revoked credential within 10 seconds", async () => {
    const credential = await addCredential(db.pool, clusterA.clusterId);
    const first = kafka(as(credential)).admin();
    await first.connect();
    await first.disconnect();
    await db.pool.query("UPDATE kafka_credentials SET revoked_at = now() WHERE id = $1", [
      credential.credentialId,
    ]);
    const revokedAt = Date.now();
    for (;;) {
      const admin = kafka(as(credential)).admin();
      const accepted = await admin.connect().then(
        () => true,
        () => false,
      );
      await admin.disconnect();
      if (!accepted) break;
      expect(Date.now() - revokedAt).toBeLessThan(10_000);
      await new Promise((r) => setTimeout(r, 500));
    }
    const lastUsed = await db.pool.query(
      "SELECT last_used_at FROM kafka_credentials WHERE id = $1",
      [credential.credentialId],
    );
    expect(lastUsed.rows[0].last_used_at).not.toBeNull();
  }, 20_000);

  it("auto-creates a topic on Produce with the cluster's default partitions and retention, unless the cluster forbids it", async () => {
    const open = await createClusterWithCredential(db.pool);
    await db.pool.query(
      "UPDATE virtual_clusters SET default_partitions = 3, default_retention_ms = 3600000 WHERE id = $1",
      [open.clusterId],
    );
    const closed = await createClusterWithCredential(db.pool, { autoCreateTopics: false });
    const produceTo = async (credential: TestCluster) => {
      const client = await RawKafkaClient.connect(agent.bootstrap);
      try {
        expect(
          (
            await client.request<SaslHandshakeResponse>(ApiKey.SaslHandshake, 1, {
              mechanism: "PLAIN",
            })
          ).errorCode,
        ).toBe(0);
        const auth = await client.request<SaslAuthenticateResponse>(ApiKey.SaslAuthenticate, 2, {
          authBytes: Buffer.from(`\0${credential.username}\0${credential.password}`),
        });
        expect(auth.errorCode).toBe(0);
        const records = await buildRecordBatch({ records: [{ value: Buffer.from("first") }] });
        const response = await client.request<ProduceResponse>(ApiKey.Produce, 9, {
          transactionalId: null,
          acks: -1,
          timeoutMs: 5000,
          topicData: [{ name: "made-by-produce", partitionData: [{ index: 0, records }] }],
        });
        return response.responses[0]!.partitionResponses[0]!.errorCode;
      } finally {
        client.close();
      }
    };
    expect(await produceTo(open)).toBe(0);
    const { rows } = await db.pool.query(
      "SELECT partition_count, configs FROM topics WHERE cluster_id = $1 AND name = 'made-by-produce'",
      [open.clusterId],
    );
    expect(rows).toEqual([{ partition_count: 3, configs: { "retention.ms": "3600000" } }]);
    expect(await produceTo(closed)).toBe(3); // UNKNOWN_TOPIC_OR_PARTITION
  });
});
