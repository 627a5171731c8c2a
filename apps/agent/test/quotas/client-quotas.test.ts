import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { Admin } from "@platformatic/kafka";
import { createTestDatabase, type TestDatabase } from "@streambed/db/testing";
import { createClusterWithCredential, type TestCluster } from "../support/console-credentials.ts";
import { runPythonClient } from "../support/run-client.ts";
import { startTestAgent, tempBucket, type TestAgent } from "../support/test-agents.ts";

// Two tenants on one shared agent; client quotas are measured over shortened windows
// (11 × 200 ms) so that a run of a few seconds reaches the steady state.
let db: TestDatabase;
let bucket: Awaited<ReturnType<typeof tempBucket>>;
let agent: TestAgent;
let limited: TestCluster;
let neighbour: TestCluster;

const MiB = 1024 * 1024;

interface Throughput {
  bytesPerSecond: number;
  throttleEvents: number;
  maxThrottleMs: number;
  errors: number;
}

beforeAll(async () => {
  db = await createTestDatabase(inject("postgresAdminUrl"));
  bucket = await tempBucket();
  limited = await createClusterWithCredential(db.pool);
  neighbour = await createClusterWithCredential(db.pool);
  agent = await startTestAgent({
    databaseUrl: db.url,
    bucketUrl: bucket.url,
    clusterId: "",
    extra: [
      ...["--quota-window-ms", "200", "--quota-window-samples", "11"],
      ...["--group-initial-rebalance-delay-ms", "0"],
    ],
  });
});

afterAll(async () => {
  await agent?.stop();
  await db?.drop();
  await bucket?.remove();
});

/** Sets quotas on the tenant's own user through AlterClientQuotas, as kafka-configs would. */
async function setUserQuota(
  tenant: TestCluster,
  key: "producer_byte_rate" | "consumer_byte_rate",
  value: number,
): Promise<void> {
  const admin = new Admin({
    clientId: "quota-admin",
    bootstrapBrokers: [agent.bootstrap],
    sasl: { mechanism: "SCRAM-SHA-256", username: tenant.username, password: tenant.password },
  });
  try {
    await admin.alterClientQuotas({
      entries: [
        {
          entities: [{ entityType: "user", entityName: tenant.username }],
          ops: [{ key, value, remove: false }],
        },
      ],
    });
  } finally {
    await admin.close();
  }
}

function run(
  tenant: TestCluster,
  topic: string,
  mode: "produce" | "consume",
  clientId: string,
  pipeline: "small" | "wide",
) {
  return runPythonClient<Throughput>("quota_throughput.py", [
    agent.bootstrap,
    tenant.username,
    tenant.password,
    topic,
    mode,
    "14",
    "4",
    clientId,
    pipeline,
  ]);
}

async function throttleSeconds(clusterId: string): Promise<number> {
  const text = await (await fetch(`http://127.0.0.1:${agent.httpPort}/metrics`)).text();
  return text
    .split("\n")
    .filter(
      (l) =>
        l.startsWith("streambed_quota_throttle_seconds_total{") &&
        l.includes(`cluster_id="${clusterId}"`),
    )
    .reduce((sum, l) => sum + Number(l.split(" ").pop()), 0);
}

describe("client quotas with confluent-kafka", () => {
  it("holds a producer to 1 MiB/s with throttle_time_ms while its neighbour keeps its throughput", async () => {
    await setUserQuota(limited, "producer_byte_rate", MiB);
    const [slow, free] = await Promise.all([
      run(limited, "quota-produce", "produce", "limited-producer", "small"),
      run(neighbour, "quota-produce", "produce", "neighbour-producer", "wide"),
    ]);
    expect(slow.errors).toBe(0);
    expect(slow.bytesPerSecond / MiB).toBeGreaterThan(0.9);
    expect(slow.bytesPerSecond / MiB).toBeLessThan(1.1);
    expect(slow.throttleEvents).toBeGreaterThan(0);
    expect(slow.maxThrottleMs).toBeGreaterThan(0);
    expect(free.errors).toBe(0);
    expect(free.throttleEvents).toBe(0);
    expect(free.bytesPerSecond).toBeGreaterThan(2 * MiB);
    expect(await throttleSeconds(limited.clusterId)).toBeGreaterThan(0);
    expect(await throttleSeconds(neighbour.clusterId)).toBe(0);
  }, 90_000);

  it("holds a consumer to its consumer_byte_rate", async () => {
    // The neighbour produced well over 12 MiB above; its consumer now gets 1 MiB/s.
    await setUserQuota(neighbour, "consumer_byte_rate", MiB);
    const read = await run(neighbour, "quota-produce", "consume", "limited-consumer", "small");
    expect(read.errors).toBe(0);
    // Never over the quota; somewhat under it, as every throttled fetch adds a round trip and
    // whole batches past the client's fetch size are charged.
    expect(read.bytesPerSecond / MiB).toBeGreaterThan(0.75);
    expect(read.bytesPerSecond / MiB).toBeLessThan(1.1);
    expect(read.throttleEvents).toBeGreaterThan(0);
  }, 90_000);
});
