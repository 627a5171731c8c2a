import { createPgPool } from "@streambed/db";
import type { TestDatabase } from "@streambed/db/testing";
import type pg from "pg";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import {
  type FlushEntry,
  type HeadChange,
  InvalidPartitionCountError,
  TopicExistsError,
  UnknownTopicError,
} from "../../src/metadata/metadata-store.ts";
import { PostgresMetadataStore } from "../../src/metadata/postgres/postgres-metadata-store.ts";
import { inTransaction } from "../../src/metadata/postgres/transaction.ts";
import { databaseForFile } from "../support/postgres-per-file.ts";

let database: { db: TestDatabase; close(): Promise<void> };
let store: PostgresMetadataStore;
let otherPool: pg.Pool;
let other: PostgresMetadataStore;
const cluster = "cluster-a";

beforeAll(async () => {
  database = await databaseForFile();
  store = new PostgresMetadataStore({ pool: database.db.pool });
  otherPool = createPgPool(database.db.url, { max: 4 });
  other = new PostgresMetadataStore({ pool: otherPool, ownsPool: true });
});

afterAll(async () => {
  await other?.close();
  await store?.close();
  await database?.close();
});

function entry(
  topicId: string,
  partition: number,
  byteOffset: number,
  recordCount: number,
  maxTimestamp = 1000n,
): FlushEntry {
  return {
    topicId,
    partition,
    byteOffset,
    byteLength: 100 * recordCount,
    recordCount,
    maxTimestamp,
  };
}

describe("topics", () => {
  it("creates, finds, lists, grows, configures and deletes topics per cluster", async () => {
    const t = await store.createTopic(cluster, "orders", 3, { "retention.ms": "1000" });
    expect(t).toMatchObject({
      clusterId: cluster,
      name: "orders",
      partitionCount: 3,
      configs: { "retention.ms": "1000" },
    });
    await expect(store.createTopic(cluster, "orders", 1, {})).rejects.toBeInstanceOf(
      TopicExistsError,
    );
    await store.createTopic("cluster-b", "orders", 1, {});

    expect((await store.getTopicByName(cluster, "orders"))?.id).toBe(t.id);
    expect((await store.getTopicById(cluster, t.id))?.name).toBe("orders");
    expect(await store.getTopicById("cluster-b", t.id)).toBeUndefined();
    expect(await store.getTopicById(cluster, "not-a-uuid")).toBeUndefined();
    expect((await store.listTopics(cluster)).map((x) => x.name)).toContain("orders");

    await store.addPartitions(cluster, t.id, 5);
    await expect(store.addPartitions(cluster, t.id, 5)).rejects.toBeInstanceOf(
      InvalidPartitionCountError,
    );
    const heads = await store.partitionHeads(
      cluster,
      [0, 1, 2, 3, 4, 5].map((p) => ({ topicId: t.id, partition: p })),
    );
    expect(heads.map((h) => h.partition).sort()).toEqual([0, 1, 2, 3, 4]);
    expect(heads.every((h) => h.highWatermark === 0n && h.logStartOffset === 0n)).toBe(true);

    expect(
      await store.updateTopicConfigs(cluster, t.id, {
        "cleanup.policy": "compact",
        "retention.ms": null,
      }),
    ).toEqual({
      "cleanup.policy": "compact",
    });
    await store.replaceTopicConfigs(cluster, t.id, { "max.message.bytes": "1024" });
    expect((await store.getTopicById(cluster, t.id))?.configs).toEqual({
      "max.message.bytes": "1024",
    });
    await expect(store.updateTopicConfigs(cluster, crypto.randomUUID(), {})).rejects.toBeInstanceOf(
      UnknownTopicError,
    );

    expect(await store.deleteTopic(cluster, t.id)).toBe(true);
    expect(await store.deleteTopic(cluster, t.id)).toBe(false);
    expect(await store.partitionHeads(cluster, [{ topicId: t.id, partition: 0 }])).toEqual([]);
  });
});

describe("agents", () => {
  it("registers, heartbeats, lists live agents of a cluster (with shared ones) and deregisters", async () => {
    const base = {
      host: "127.0.0.1",
      httpPort: 8080,
      zone: "a",
      roles: ["produce", "fetch"],
      version: "test",
    };
    await store.registerAgent({ ...base, id: "agent-1", clusterId: cluster, port: 9092 });
    await store.registerAgent({ ...base, id: "agent-0", clusterId: null, port: 9093, zone: "b" });
    await store.registerAgent({ ...base, id: "agent-2", clusterId: "cluster-b", port: 9094 });
    expect(await store.heartbeatAgent("agent-1")).toBe(true);
    expect(await store.heartbeatAgent("nobody")).toBe(false);

    const live = await store.liveAgents(cluster, 5000);
    expect(live.map((a) => [a.id, a.port, a.zone])).toEqual([
      ["agent-0", 9093, "b"],
      ["agent-1", 9092, "a"],
    ]);
    await database.db.pool.query(
      "UPDATE agents SET last_heartbeat_at = now() - interval '10 seconds' WHERE id = 'agent-0'",
    );
    expect((await store.liveAgents(cluster, 5000)).map((a) => a.id)).toEqual(["agent-1"]);
    await store.deregisterAgent("agent-1");
    expect(await store.liveAgents(cluster, 5000)).toEqual([]);
  });
});

describe("deployment secrets", () => {
  it("hands every caller the same secret per name, made up once (also by concurrent first callers)", async () => {
    const [a, b] = await Promise.all([
      store.deploymentSecret("test-secret"),
      store.deploymentSecret("test-secret"),
    ]);
    expect(a).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(b).toBe(a);
    expect(await store.deploymentSecret("test-secret")).toBe(a);
    expect(await store.deploymentSecret("other-secret")).not.toBe(a);
  });
});

describe("commitFlush", () => {
  it("assigns contiguous offsets per partition, coalesces index rows and answers unknown partitions", async () => {
    const t = await store.createTopic(cluster, "commit-basic", 2, {});
    const result = await store.commitFlush(cluster, "cluster-a/flush/obj-1", 2000, [
      entry(t.id, 0, 0, 3),
      entry(t.id, 0, 300, 2, 5000n),
      entry(t.id, 1, 500, 4),
      entry(t.id, 7, 900, 1),
    ]);
    expect(result.entries).toEqual([
      { ok: true, baseOffset: 0n },
      { ok: true, baseOffset: 3n },
      { ok: true, baseOffset: 0n },
      { ok: false, errorCode: "UNKNOWN_TOPIC_OR_PARTITION" },
    ]);
    expect(result.heads.map((h) => [h.partition, h.highWatermark])).toEqual([
      [0, 5n],
      [1, 4n],
    ]);
    expect(result.committedAtMs).toBeGreaterThan(0n);

    const second = await store.commitFlush(cluster, "cluster-a/flush/obj-2", 100, [
      entry(t.id, 0, 0, 1),
    ]);
    expect(second.entries).toEqual([{ ok: true, baseOffset: 5n }]);

    // Nothing in it was taken: the object is garbage from the start, and no head moves.
    const none = await store.commitFlush(cluster, "cluster-a/flush/obj-none", 100, [
      entry(t.id, 9, 0, 1),
    ]);
    expect(none.entries).toEqual([{ ok: false, errorCode: "UNKNOWN_TOPIC_OR_PARTITION" }]);
    expect(none.heads).toEqual([]);
    const { rows: states } = await database.db.pool.query(
      "SELECT state FROM objects WHERE key = 'cluster-a/flush/obj-none'",
    );
    expect(states).toEqual([{ state: "orphaned" }]);

    const [rows0, rows1] = await store.findIndexRows(cluster, [
      { topicId: t.id, partition: 0, fromOffset: 0n, maxBytes: 1 << 20 },
      { topicId: t.id, partition: 1, fromOffset: 0n, maxBytes: 1 << 20 },
    ]);
    expect(
      rows0!.map((r) => [
        r.baseOffset,
        r.lastOffset,
        r.objectKey,
        r.byteOffset,
        r.byteLength,
        r.maxTimestamp,
      ]),
    ).toEqual([
      [0n, 4n, "cluster-a/flush/obj-1", 0, 500, 5000n],
      [5n, 5n, "cluster-a/flush/obj-2", 0, 100, 1000n],
    ]);
    expect(rows1!.map((r) => [r.baseOffset, r.lastOffset, r.recordCount])).toEqual([[0n, 3n, 4]]);
  });

  it("commits several objects in one transaction, in the order given (group commit)", async () => {
    const t = await store.createTopic(cluster, "group-commit", 2, {});
    const results = await store.commitFlushes(cluster, [
      {
        objectKey: "cluster-a/flush/group-1",
        sizeBytes: 500,
        entries: [entry(t.id, 0, 0, 2), entry(t.id, 1, 200, 1)],
      },
      { objectKey: "cluster-a/flush/group-2", sizeBytes: 300, entries: [entry(t.id, 0, 0, 3)] },
    ]);
    expect(results.map((r) => r.entries)).toEqual([
      [
        { ok: true, baseOffset: 0n },
        { ok: true, baseOffset: 0n },
      ],
      [{ ok: true, baseOffset: 2n }],
    ]);
    const [rows] = await store.findIndexRows(cluster, [
      { topicId: t.id, partition: 0, fromOffset: 0n, maxBytes: 1 << 20 },
    ]);
    expect(rows!.map((r) => [r.objectKey, r.baseOffset, r.lastOffset])).toEqual([
      ["cluster-a/flush/group-1", 0n, 1n],
      ["cluster-a/flush/group-2", 2n, 4n],
    ]);

    const bad = { ...entry(t.id, 0, 0, 1), byteLength: 2 ** 31 };
    await expect(
      store.commitFlushes(cluster, [
        { objectKey: "cluster-a/flush/group-3", sizeBytes: 1, entries: [entry(t.id, 0, 0, 1)] },
        { objectKey: "cluster-a/flush/group-4", sizeBytes: 1, entries: [bad] },
      ]),
    ).rejects.toThrow();
    const { rows: states } = await database.db.pool.query(
      "SELECT key, state FROM objects WHERE key IN ('cluster-a/flush/group-3', 'cluster-a/flush/group-4') ORDER BY key",
    );
    expect(states.map((r: { state: string }) => r.state)).toEqual(["orphaned", "orphaned"]);
  });

  it("records the object as orphaned and changes nothing when the transaction fails", async () => {
    const t = await store.createTopic(cluster, "commit-fails", 1, {});
    const tooLong = { ...entry(t.id, 0, 0, 1), byteLength: 2 ** 31 }; // out of int4 range
    await expect(
      store.commitFlush(cluster, "cluster-a/flush/bad", 10, [tooLong]),
    ).rejects.toThrow();
    const { rows } = await database.db.pool.query(
      "SELECT state FROM objects WHERE key = 'cluster-a/flush/bad'",
    );
    expect(rows).toEqual([{ state: "orphaned" }]);
    const [head] = await store.partitionHeads(cluster, [{ topicId: t.id, partition: 0 }]);
    expect(head?.highWatermark).toBe(0n);
  });

  it("never deadlocks or hands out an offset twice when flushes of two pools overlap", async () => {
    const t = await store.createTopic(cluster, "commit-race", 8, {});
    const stores = [store, other];
    const flushes = Array.from({ length: 40 }, (_, i) => {
      // Each flush touches a different subset of partitions, listed in a different order.
      const partitions = [0, 1, 2, 3, 4, 5, 6, 7].filter((p) => (p * 7 + i) % 3 !== 0);
      if (i % 2 === 1) partitions.reverse();
      return stores[i % 2]!.commitFlush(
        cluster,
        `cluster-a/flush/race-${i}`,
        1000,
        partitions.map((p, n) => entry(t.id, p, n * 100, 1 + ((i + p) % 4))),
      );
    });
    const results = await Promise.all(flushes);
    const taken = new Map<number, [bigint, bigint][]>();
    for (const result of results) {
      result.entries.forEach((e, n) => expect(e.ok, `entry ${n}`).toBe(true));
    }
    const allRows = await store.findIndexRows(
      cluster,
      [0, 1, 2, 3, 4, 5, 6, 7].map((p) => ({
        topicId: t.id,
        partition: p,
        fromOffset: 0n,
        maxBytes: 1 << 30,
      })),
    );
    allRows.forEach((rows, p) => {
      taken.set(
        p,
        rows.map((r) => [r.baseOffset, r.lastOffset]),
      );
      // Contiguous from 0: every row starts right after the previous one.
      let next = 0n;
      for (const r of rows) {
        expect(r.baseOffset).toBe(next);
        next = r.lastOffset + 1n;
      }
    });
    const heads = await store.partitionHeads(
      cluster,
      [0, 1, 2, 3, 4, 5, 6, 7].map((p) => ({ topicId: t.id, partition: p })),
    );
    for (const h of heads) {
      const rows = taken.get(h.partition)!;
      expect(h.highWatermark).toBe(rows.at(-1)![1] + 1n);
    }
  });
});

describe("stalled transactions", () => {
  it("cannot hold partition locks for long: Postgres ends an idle transaction and the commit proceeds", async () => {
    const t = await store.createTopic(cluster, "stalled", 1, {});
    // Another agent locks the partition, then stalls (as if paused) inside its transaction.
    const stalled = inTransaction(
      otherPool,
      async (tx) => {
        await tx.query("SELECT 1 FROM partitions WHERE topic_id = $1 FOR UPDATE", [t.id]);
        await new Promise((r) => setTimeout(r, 5000));
        await tx.query("SELECT 1");
      },
      { idleTimeoutMs: 300 },
    );
    stalled.catch(() => undefined);
    await new Promise((r) => setTimeout(r, 100));
    const started = performance.now();
    const result = await store.commitFlush(cluster, "cluster-a/flush/after-stall", 100, [
      entry(t.id, 0, 0, 1),
    ]);
    expect(result.entries).toEqual([{ ok: true, baseOffset: 0n }]);
    expect(performance.now() - started).toBeLessThan(4000); // the stall alone would hold the lock 5 s
    await expect(stalled).rejects.toThrow();
  });
});

describe("index lookups", () => {
  it("finds rows from an offset within a byte budget, by timestamp and by max timestamp", async () => {
    const t = await store.createTopic(cluster, "lookups", 1, {});
    for (let i = 0; i < 5; i++) {
      // Rows of 10 records, 1000 bytes each, timestamps 100, 200, ... (row 3 has the largest).
      await store.commitFlush(cluster, `cluster-a/flush/lookup-${i}`, 1000, [
        entry(t.id, 0, 0, 10, i === 3 ? 900n : BigInt((i + 1) * 100)),
      ]);
    }
    const ref = { topicId: t.id, partition: 0 };
    const lookup = async (fromOffset: bigint, maxBytes: number) =>
      (await store.findIndexRows(cluster, [{ ...ref, fromOffset, maxBytes }]))[0]!.map(
        (r) => r.baseOffset,
      );
    expect(await lookup(0n, 1)).toEqual([0n]);
    expect(await lookup(15n, 1000)).toEqual([10n]);
    expect(await lookup(15n, 1001)).toEqual([10n, 20n]);
    expect(await lookup(19n, 1 << 20)).toEqual([10n, 20n, 30n, 40n]);
    expect(await lookup(50n, 1 << 20)).toEqual([]);

    expect((await store.findIndexRowByTimestamp(cluster, ref, 150n))?.baseOffset).toBe(10n);
    expect(await store.findIndexRowByTimestamp(cluster, ref, 901n)).toBeUndefined();
    expect((await store.findMaxTimestampIndexRow(cluster, ref))?.baseOffset).toBe(30n);

    const head = await store.deleteRecordsBefore(cluster, ref, 25n);
    expect(head).toMatchObject({ logStartOffset: 25n, highWatermark: 50n });
    expect(await lookup(0n, 1 << 20)).toEqual([20n, 30n, 40n]);
    expect((await store.findIndexRowByTimestamp(cluster, ref, 0n))?.baseOffset).toBe(20n);
    expect((await store.deleteRecordsBefore(cluster, ref, 10n))?.logStartOffset).toBe(25n);
    expect((await store.deleteRecordsBefore(cluster, ref, -1n))?.logStartOffset).toBe(50n);
    expect(await store.deleteRecordsBefore(cluster, { ...ref, partition: 9 }, 1n)).toBeUndefined();
  });
});

describe("head change notifications", () => {
  it("tell a listener on another pool about commits and DeleteRecords, once committed", async () => {
    const t = await store.createTopic(cluster, "notified", 1, {});
    const changes: HeadChange[] = [];
    let wake: () => void = () => undefined;
    const subscription = other.subscribeHeadChanges({
      onChange: (c) => {
        if (c.topicId === t.id) {
          changes.push(c);
          wake();
        }
      },
      onResync: () => undefined,
    });
    await subscription.ready;
    const next = () => new Promise<void>((resolve) => (wake = resolve));

    let arrived = next();
    await store.commitFlush(cluster, "cluster-a/flush/notify-1", 100, [entry(t.id, 0, 0, 7)]);
    await arrived;
    arrived = next();
    await store.deleteRecordsBefore(cluster, { topicId: t.id, partition: 0 }, 3n);
    await arrived;
    await subscription.close();
    expect(changes).toEqual([
      { clusterId: cluster, topicId: t.id, partition: 0, highWatermark: 7n, logStartOffset: 0n },
      { clusterId: cluster, topicId: t.id, partition: 0, highWatermark: 7n, logStartOffset: 3n },
    ]);
  });
});

describe("head change notifications for a big flush", () => {
  it("deliver every partition of a 1000-partition commit (split over several NOTIFYs)", async () => {
    const t = await store.createTopic(cluster, "wide", 1000, {});
    const seen = new Set<number>();
    const subscription = other.subscribeHeadChanges({
      onChange: (c) => {
        if (c.topicId === t.id && c.highWatermark === 2n) seen.add(c.partition);
      },
      onResync: () => undefined,
    });
    await subscription.ready;
    try {
      const entries = Array.from({ length: 1000 }, (_, p) => entry(t.id, p, p * 200, 2));
      const result = await store.commitFlush(cluster, "cluster-a/flush/wide", 200_000, entries);
      expect(result.entries.every((e) => e.ok && e.baseOffset === 0n)).toBe(true);
      await vi.waitFor(() => expect(seen.size).toBe(1000), { timeout: 10_000 });
    } finally {
      await subscription.close();
    }
  });
});

describe("head change listener", () => {
  it("re-listens after its connection is killed, asks for a resync, and keeps delivering", async () => {
    const t = await store.createTopic(cluster, "relisten", 1, {});
    const listenerPool = createPgPool(database.db.url, {
      max: 2,
      application_name: "relisten-test",
    });
    const listening = new PostgresMetadataStore({
      pool: listenerPool,
      ownsPool: true,
      listener: { retryMs: 50 },
    });
    const seen: bigint[] = [];
    let resyncs = 0;
    const subscription = listening.subscribeHeadChanges({
      onChange: (c) => {
        if (c.topicId === t.id) seen.push(c.highWatermark);
      },
      onResync: () => resyncs++,
    });
    await subscription.ready;
    try {
      await database.db.pool.query(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'relisten-test' AND query = 'LISTEN streambed_heads'",
      );
      await vi.waitFor(() => expect(resyncs).toBeGreaterThan(0), { timeout: 10_000 });
      await store.commitFlush(cluster, "cluster-a/flush/relisten", 100, [entry(t.id, 0, 0, 4)]);
      await vi.waitFor(() => expect(seen).toContain(4n), { timeout: 10_000 });
    } finally {
      await subscription.close();
      await listening.close();
    }
  });
});
