import { describe, expect, it } from "vitest";
import { ApiKey } from "@streambed/protocol";
import type { ClientQuota } from "./client-quota-entity.ts";
import { QuotaEnforcer, type QuotaUse } from "./quota-enforcer.ts";

const MiB = 1024 * 1024;

function enforcer(quotas: Record<string, ClientQuota[]>, ceiling: number | null = null) {
  let now = 0;
  const throttles: [string, string, number][] = [];
  const stored = { ...quotas };
  const e = new QuotaEnforcer({
    store: { list: (clusterId) => Promise.resolve(stored[clusterId] ?? []) },
    ceilings: { produceByteRate: ceiling, fetchByteRate: null },
    windowMs: 1000,
    samples: 11,
    refreshMs: 5000,
    onThrottle: (clusterId, quota, ms) => throttles.push([clusterId, quota, ms]),
    now: () => now,
  });
  return {
    e,
    throttles,
    stored,
    advance: (ms: number) => (now += ms),
    loaded: () => new Promise((resolve) => setTimeout(resolve, 0)),
  };
}

const produce = (clusterId: string, user: string, bytes: number): QuotaUse => ({
  clusterId,
  user,
  clientId: "app",
  apiKey: ApiKey.Produce,
  requestBytes: bytes,
  responseBytes: () => 0,
});

const userQuota = (user: string | null, key: string, value: number): ClientQuota => ({
  entity: [{ entityType: "user", entityName: user }],
  values: [{ key, value }],
});

describe("quota enforcer", () => {
  it("throttles the client over its quota only, once the cluster's quotas are read", async () => {
    const { e, throttles, loaded } = enforcer({
      a: [userQuota("alice", "producer_byte_rate", MiB)],
    });
    // The first request of a cluster starts the read: it is neither held up nor counted.
    expect(e.record(produce("a", "alice", 20 * MiB))).toBe(0);
    await loaded();
    // 20 MiB over the 10 s floor: 2 MiB/s against 1 MiB/s.
    expect(e.record(produce("a", "alice", 20 * MiB))).toBe(10_000);
    expect(e.record(produce("a", "bob", 20 * MiB))).toBe(0);
    expect(e.record(produce("b", "alice", 20 * MiB))).toBe(0);
    expect(throttles).toEqual([["a", "producer_byte_rate", 10_000]]);
  });

  it("caps every cluster at the agent's ceiling whoever sends, leaving other clusters alone", async () => {
    const { e, loaded } = enforcer({}, 2 * MiB);
    e.record(produce("a", "alice", 0));
    e.record(produce("b", "carol", 0));
    await loaded();
    expect(e.record(produce("a", "alice", 15 * MiB))).toBe(0);
    // 30 MiB over 10 s: 3 MiB/s against 2 MiB/s, shared by every client of cluster a.
    expect(e.record(produce("a", "bob", 15 * MiB))).toBe(5000);
    expect(e.record(produce("b", "carol", 15 * MiB))).toBe(0);
  });

  it("counts requests against request_rate and applies quota changes at once on changed()", async () => {
    const { e, stored, loaded } = enforcer({ a: [userQuota(null, "request_rate", 1)] });
    const metadata = { ...produce("a", "alice", 0), apiKey: ApiKey.Metadata };
    e.record(metadata);
    await loaded();
    for (let i = 0; i < 10; i++) expect(e.record(metadata)).toBe(0);
    expect(e.record(metadata)).toBeGreaterThan(0);
    // ApiVersions and SASL requests are never counted.
    expect(e.record({ ...metadata, apiKey: ApiKey.ApiVersions })).toBe(0);
    stored.a = [];
    e.changed("a");
    await loaded();
    expect(e.record(metadata)).toBe(0);
  });
});
