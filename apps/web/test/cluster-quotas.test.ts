import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { LATENCY_BUCKETS_MS } from "@streambed/db/cluster-metrics";
import { createTestDatabase, type TestDatabase } from "@streambed/db/testing";
import { ingestClusterMetrics } from "../src/server/cluster-metrics/ingest-cluster-metrics.ts";
import { callerFor, signUp, type TestUser } from "./harness.ts";

let db: TestDatabase;
let owner: TestUser;
let stranger: TestUser;
let cluster: string;

beforeAll(async () => {
  db = await createTestDatabase(inject("postgresAdminUrl"));
  owner = await signUp(db.prisma, "owner@quotas.test");
  stranger = await signUp(db.prisma, "stranger@quotas.test");
  cluster = (await callerFor(db.prisma, owner).clusters.create({ name: "quotas", region: "local" }))
    .id;
});
afterAll(() => db.drop());

function window(agentId: string, minutesAgo: number, throttleMs?: number) {
  const empty = new Array<number>(LATENCY_BUCKETS_MS.length + 1).fill(0);
  const start = new Date(Math.floor(Date.now() / 60_000) * 60_000 - minutesAgo * 60_000);
  return {
    agentId,
    windowStart: start.toISOString(),
    windowSeconds: 60,
    store: { objectPuts: 0, objectGets: 0, cacheHits: 0, cacheMisses: 0 },
    clusters: [
      {
        clusterId: cluster,
        produceBytes: 0,
        fetchBytes: 0,
        requests: {},
        errors: {},
        produceLatency: empty,
        fetchLatency: empty,
        connections: 1,
        ...(throttleMs === undefined ? {} : { throttleMs }),
      },
    ],
  };
}

describe("cluster quotas in the console", () => {
  it("lists the client quotas AlterClientQuotas stored and the throttled time agents reported", async () => {
    // As the agent stores them: the entity is the JSON of its [type, name] pairs, sorted by type.
    await db.prisma.clientQuota.createMany({
      data: [
        {
          clusterId: cluster,
          entity: '[["user","alice"]]',
          quotaKey: "producer_byte_rate",
          value: 1048576,
        },
        {
          clusterId: cluster,
          entity: '[["client-id",null],["user",null]]',
          quotaKey: "request_rate",
          value: 50,
        },
      ],
    });
    const shared = { kind: "shared" } as const;
    for (const w of [
      window("a1", 5, 1500),
      window("a1", 3, 500),
      window("a2", 4),
      window("a2", 120, 9000),
    ])
      expect((await ingestClusterMetrics(db.prisma, shared, w)).status).toBe(200);

    const quotas = await callerFor(db.prisma, owner).quotas.cluster({ clusterId: cluster });
    expect(quotas.quotas).toEqual([
      {
        entity: [
          { type: "client-id", name: null },
          { type: "user", name: null },
        ],
        values: [{ key: "request_rate", value: 50 }],
      },
      {
        entity: [{ type: "user", name: "alice" }],
        values: [{ key: "producer_byte_rate", value: 1048576 }],
      },
    ]);
    // The last hour only; an agent that sent no throttle time (older agents) counts zero.
    expect(quotas.throttled).toEqual([
      { agentId: "a1", throttleMs: 2000 },
      { agentId: "a2", throttleMs: 0 },
    ]);
    await expect(
      callerFor(db.prisma, stranger).quotas.cluster({ clusterId: cluster }),
    ).rejects.toThrow();
  });
});
