// Kafka transactions with confluent-kafka (librdkafka 2.0.2) against real agents and Postgres.
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "@streambed/db/testing";
import { PostgresMetadataStore } from "../../src/metadata/postgres/postgres-metadata-store.ts";
import { createClusterWithCredential, type TestCluster } from "../support/console-credentials.ts";
import { runPythonClient } from "../support/run-client.ts";
import { startTestAgent, tempBucket, type TestAgent } from "../support/test-agents.ts";

let db: TestDatabase;
let bucket: Awaited<ReturnType<typeof tempBucket>>;
let cluster: TestCluster;
let agent: TestAgent;
let metadata: PostgresMetadataStore;

type ByPartition = Record<string, string[]>;

beforeAll(async () => {
  db = await createTestDatabase(inject("postgresAdminUrl"));
  bucket = await tempBucket();
  cluster = await createClusterWithCredential(db.pool);
  metadata = new PostgresMetadataStore({ pool: db.pool });
  agent = await startTestAgent({
    databaseUrl: db.url,
    bucketUrl: bucket.url,
    clusterId: "",
    extra: ["--batch-timeout-ms", "20", "--transaction-check-interval-ms", "500"],
  });
});

afterAll(async () => {
  await agent?.stop();
  await db?.drop();
  await bucket?.remove();
});

const scenario = <T>(name: string, topic: string, ...args: string[]) =>
  runPythonClient<T>(
    "transactions.py",
    [name, agent.bootstrap, cluster.username, cluster.password, topic, ...args],
    120_000,
  );

describe("transactions with confluent-kafka", () => {
  it("read_committed consumers see exactly the committed records in order; read_uncommitted see every record", async () => {
    await metadata.createTopic(cluster.clusterId, "alternating", 6, {});
    const produced = await scenario<{ committed: ByPartition; aborted: ByPartition }>(
      "alternate",
      "alternating",
      "10",
      "60",
    );
    const committed = await scenario<ByPartition>("consume", "alternating", "read_committed");
    expect(committed).toEqual(produced.committed);
    const all = await scenario<ByPartition>("consume", "alternating", "read_uncommitted");
    for (const [partition, values] of Object.entries(all)) {
      const expected = [...produced.committed[partition]!, ...produced.aborted[partition]!];
      expect(values.toSorted()).toEqual(expected.toSorted());
    }
    // Both decisions are written as markers into the partitions, so no transaction stays open.
    const open = await db.pool.query(
      "SELECT count(*)::int AS n FROM transaction_partitions WHERE cluster_id = $1",
      [cluster.clusterId],
    );
    expect(open.rows[0].n).toBe(0);
  }, 180_000);

  it("fences the older of two producers sharing a transactional.id and aborts its open transaction", async () => {
    await metadata.createTopic(cluster.clusterId, "fenced", 1, {});
    expect(await scenario<{ old: string }>("fence", "fenced")).toEqual({ old: "fatal" });
    expect(await scenario<ByPartition>("consume", "fenced", "read_committed")).toEqual({
      "0": ["current"],
    });
    expect(await scenario<ByPartition>("consume", "fenced", "read_uncommitted")).toEqual({
      "0": ["zombie-1", "current"],
    });
  }, 120_000);

  it("aborts a transaction that outlives transaction.timeout.ms", async () => {
    await metadata.createTopic(cluster.clusterId, "slow", 1, {});
    const outcome = await scenario<{ commit: string }>("timeout", "slow");
    expect(outcome.commit).not.toBe("committed");
    expect(await scenario<ByPartition>("consume", "slow", "read_committed")).toEqual({ "0": [] });
    expect(await scenario<ByPartition>("consume", "slow", "read_uncommitted")).toEqual({
      "0": ["abandoned"],
    });
  }, 120_000);
});
