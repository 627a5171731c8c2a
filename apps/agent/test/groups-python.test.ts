import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "@streambed/db/testing";
import { PostgresMetadataStore } from "../src/metadata/postgres/postgres-metadata-store.ts";
import { createClusterWithCredential, type TestCluster } from "./support/console-credentials.ts";
import { runPythonClient } from "./support/run-client.ts";
import { startTestAgent, tempBucket, type TestAgent } from "./support/test-agents.ts";

let db: TestDatabase;
let bucket: Awaited<ReturnType<typeof tempBucket>>;
let agent: TestAgent;
let cluster: TestCluster;

beforeAll(async () => {
  db = await createTestDatabase(inject("postgresAdminUrl"));
  bucket = await tempBucket();
  cluster = await createClusterWithCredential(db.pool);
  // Shared agent: SASL connections go to their credential's cluster, others to the open "plain" cluster.
  agent = await startTestAgent({
    databaseUrl: db.url,
    bucketUrl: bucket.url,
    clusterId: "",
    extra: ["--default-cluster-id", "plain", "--group-initial-rebalance-delay-ms", "0"],
  });
});

afterAll(async () => {
  await agent?.stop();
  await db?.drop();
  await bucket?.remove();
});

async function createTopic(clusterId: string, topic: string): Promise<void> {
  await new PostgresMetadataStore({ pool: db.pool }).createTopic(clusterId, topic, 6, {});
}

interface Rebalancing {
  split: boolean;
  shares: number[][];
  tookOver: boolean;
  missing: string[];
}

describe("consumer groups with librdkafka and kafka-python", () => {
  for (const strategy of ["range", "cooperative-sticky"] as const) {
    it(`confluent-kafka (${strategy}) splits partitions between two members and hands them over when one leaves`, async () => {
      const topic = `py-${strategy}`;
      await createTopic(cluster.clusterId, topic);
      const result = await runPythonClient<Rebalancing>("groups_scenarios.py", [
        strategy,
        agent.bootstrap,
        topic,
        `g-${strategy}`,
        cluster.username,
        cluster.password,
      ]);
      expect(result).toMatchObject({ split: true, tookOver: true, missing: [] });
      expect(result.shares.map((s) => s.length).sort()).toEqual([3, 3]);
    }, 90_000);
  }

  it("a static member (group.instance.id) rejoins after a restart without a rebalance", async () => {
    const topic = "py-static";
    await createTopic(cluster.clusterId, topic);
    const result = await runPythonClient<{
      stable: boolean;
      rejoined: boolean;
      before: Record<string, number[]>;
      after: Record<string, number[]>;
      bEventsDuringRejoin: number[];
    }>("groups_scenarios.py", [
      "static",
      agent.bootstrap,
      topic,
      "g-static",
      cluster.username,
      cluster.password,
    ]);
    expect(result).toMatchObject({ stable: true, rejoined: true, bEventsDuringRejoin: [0, 0] });
    expect(result.after).toEqual(result.before);
  }, 90_000);

  it("kafka-python group consumers share the partitions and consume everything", async () => {
    const topic = "py-kafka-python";
    await createTopic("plain", topic);
    const result = await runPythonClient<{ shares: number[][]; missing: string[] }>(
      "groups_scenarios.py",
      ["kafka-python", agent.bootstrap, topic, "g-kp"],
    );
    expect(result.missing).toEqual([]);
    expect(result.shares.map((s) => s.length).sort()).toEqual([3, 3]);
  }, 90_000);
});
