import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { createPgPool } from "@streambed/db";
import type { TestDatabase } from "@streambed/db/testing";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { TopicInfo } from "../../src/metadata/metadata-store.ts";
import { PostgresMetadataStore } from "../../src/metadata/postgres/postgres-metadata-store.ts";
import { decodeFlushObjectFooter } from "../../src/produce/flush-object.ts";
import { type AppendResult, ProduceBuffer } from "../../src/produce/produce-buffer.ts";
import { FlushFailedError, ProduceBufferClosedError } from "../../src/produce/produce-errors.ts";
import { LocalDirObjectStore } from "../../src/storage/local-dir.ts";
import type { ObjectStore } from "../../src/storage/object-store.ts";
import { databaseForFile } from "../support/postgres-per-file.ts";
import { batchOf, entryOf } from "../support/record-batches.ts";

let database: { db: TestDatabase; close(): Promise<void> };
let metadata: PostgresMetadataStore;
let root: string;
let store: LocalDirObjectStore;
const cluster = "produce-cluster";

beforeAll(async () => {
  database = await databaseForFile();
  metadata = new PostgresMetadataStore({ pool: database.db.pool });
  root = await mkdtemp(path.join(tmpdir(), "streambed-produce-"));
  store = new LocalDirObjectStore(root);
});

afterAll(async () => {
  await metadata?.close();
  await database?.close();
  await rm(root, { recursive: true, force: true });
});

async function keysIn(s: ObjectStore, prefix: string): Promise<string[]> {
  const keys: string[] = [];
  for await (const o of s.list(prefix)) keys.push(o.key);
  return keys;
}

function offsetsOf(results: AppendResult[]): bigint[] {
  return results.map((r) => {
    if (!r.ok) throw new Error(r.errorCode);
    return r.baseOffset;
  });
}

describe("ProduceBuffer", () => {
  it("writes one object per flush for all partitions and answers with contiguous offsets", async () => {
    const topic = await metadata.createTopic(cluster, "one-object", 3, {});
    const buffer = new ProduceBuffer({ store, metadata, batchTimeoutMs: 50 });
    const before = (await keysIn(store, `${cluster}/flush/`)).length;
    const b = await Promise.all([
      batchOf("a", 3),
      batchOf("b", 2),
      batchOf("c", 4),
      batchOf("d", 1),
    ]);
    const [first, second] = await Promise.all([
      buffer.append(cluster, [entryOf(topic, 2, b[0]!), entryOf(topic, 0, b[1]!)]),
      buffer.append(cluster, [entryOf(topic, 2, b[2]!), entryOf(topic, 1, b[3]!)]),
    ]);
    expect(offsetsOf(first!)).toEqual([0n, 0n]);
    expect(offsetsOf(second!)).toEqual([3n, 0n]);
    expect(first![0]!.ok && first![0]!.logAppendTimeMs).toBeGreaterThan(0n);

    const keys = await keysIn(store, `${cluster}/flush/`);
    expect(keys.length).toBe(before + 1);
    const object = await store.get(keys.at(-1)!);
    const sections = decodeFlushObjectFooter(object);
    expect(sections.map((s) => [s.partition, s.recordCount])).toEqual([
      [0, 2],
      [1, 1],
      [2, 7],
    ]);
    // Batches are stored exactly as sent, grouped by partition, in arrival order.
    const p2 = sections[2]!;
    expect(
      object
        .subarray(p2.byteOffset, p2.byteOffset + p2.byteLength)
        .equals(Buffer.concat([b[0]!, b[2]!])),
    ).toBe(true);

    const [rows] = await metadata.findIndexRows(cluster, [
      { topicId: topic.id, partition: 2, fromOffset: 0n, maxBytes: 1 << 20 },
    ]);
    expect(rows!.map((r) => [r.baseOffset, r.lastOffset, r.byteOffset, r.byteLength])).toEqual([
      [0n, 6n, p2.byteOffset, p2.byteLength],
    ]);
    await buffer.flushAndClose();
    expect(buffer.bufferedBytes).toBe(0);
  });

  it("flushes as soon as batchMaxBytes is buffered, without waiting for the timeout", async () => {
    const topic = await metadata.createTopic(cluster, "by-size", 1, {});
    const buffer = new ProduceBuffer({
      store,
      metadata,
      batchTimeoutMs: 60_000,
      batchMaxBytes: 4096,
    });
    const started = performance.now();
    const pending = buffer.append(cluster, [entryOf(topic, 0, await batchOf("big", 40, 100))]);
    expect(buffer.bufferedBytes).toBeGreaterThan(4096);
    expect(offsetsOf(await pending)).toEqual([0n]);
    expect(performance.now() - started).toBeLessThan(10_000);
    await buffer.flushAndClose();
  });

  it("commits flushes in the order they were sealed, grouping those written meanwhile, even when an earlier PUT is slower", async () => {
    const topic = await metadata.createTopic(cluster, "ordered", 1, {});
    let puts = 0;
    // The local store, with the first PUT held back so later flushes' PUTs finish first.
    const slowFirst: ObjectStore = Object.assign(Object.create(store) as ObjectStore, {
      put: async (key: string, body: Buffer | readonly Buffer[]) => {
        if (puts++ === 0) await new Promise((r) => setTimeout(r, 300));
        return store.put(key, body);
      },
    });
    const observed = { commits: 0, flushes: 0, stages: new Map<string, number[]>() };
    const buffer = new ProduceBuffer({
      store: slowFirst,
      metadata,
      batchTimeoutMs: 1,
      batchMaxBytes: 1,
      maxFlushesInFlight: 6,
      metrics: {
        flushBytes: { observe: () => observed.flushes++ },
        flushSeconds: { observe: () => undefined },
        commitSeconds: { observe: () => observed.commits++ },
        stageSeconds: {
          observe: ({ stage }, seconds) =>
            observed.stages.set(stage, [...(observed.stages.get(stage) ?? []), seconds]),
        },
        flushFailures: { inc: () => undefined },
      },
    });
    const batch = await batchOf("o", 2);
    const appends = Array.from({ length: 6 }, () =>
      buffer.append(cluster, [entryOf(topic, 0, batch)]),
    );
    const offsets = (await Promise.all(appends)).map((r) => offsetsOf(r)[0]);
    expect(puts).toBe(6);
    expect(offsets).toEqual([0n, 2n, 4n, 6n, 8n, 10n]);
    // The flushes written while the first PUT was slow were committed together, after it.
    expect(observed.flushes).toBe(6);
    expect(observed.commits).toBeLessThan(6);
    // Each append is timed per stage: the slow PUT shows as object_write, and the flushes written
    // meanwhile as commit_wait (queued behind it).
    const max = (stage: string) => Math.max(...observed.stages.get(stage)!);
    expect([...observed.stages.keys()].sort()).toEqual([
      "buffer_wait",
      "commit",
      "commit_wait",
      "object_write",
    ]);
    expect(observed.stages.get("commit")).toHaveLength(6);
    expect(max("object_write")).toBeGreaterThanOrEqual(0.29);
    expect(max("commit_wait")).toBeGreaterThan(0.15);
    await buffer.flushAndClose();
  });

  it("keeps a due flush open while every flush slot is busy, so it grows instead of queueing", async () => {
    const topic = await metadata.createTopic(cluster, "adaptive", 1, {});
    let puts = 0;
    const slowFirst: ObjectStore = Object.assign(Object.create(store) as ObjectStore, {
      put: async (key: string, body: Buffer | readonly Buffer[]) => {
        if (puts++ === 0) await new Promise((r) => setTimeout(r, 300));
        return store.put(key, body);
      },
    });
    const buffer = new ProduceBuffer({
      store: slowFirst,
      metadata,
      batchTimeoutMs: 5,
      maxFlushesInFlight: 1,
    });
    const batch = await batchOf("g", 1);
    const appends = [buffer.append(cluster, [entryOf(topic, 0, batch)])];
    for (let i = 0; i < 4; i++) {
      await new Promise((r) => setTimeout(r, 30)); // each well past the batch timeout
      appends.push(buffer.append(cluster, [entryOf(topic, 0, batch)]));
    }
    const offsets = (await Promise.all(appends)).map((r) => offsetsOf(r)[0]);
    expect(offsets).toEqual([0n, 1n, 2n, 3n, 4n]);
    expect(puts).toBe(2);
    const [rows] = await metadata.findIndexRows(cluster, [
      { topicId: topic.id, partition: 0, fromOffset: 0n, maxBytes: 1 << 20 },
    ]);
    expect(rows!.map((r) => [r.baseOffset, r.lastOffset])).toEqual([
      [0n, 0n],
      [1n, 4n],
    ]);
    await buffer.flushAndClose();
  });

  it("answers entries of unknown partitions without failing the rest", async () => {
    const topic = await metadata.createTopic(cluster, "unknown-partition", 1, {});
    const buffer = new ProduceBuffer({ store, metadata, batchTimeoutMs: 5 });
    const batch = await batchOf("x", 1);
    const results = await buffer.append(cluster, [
      entryOf(topic, 0, batch),
      entryOf(topic, 3, batch),
    ]);
    expect(results).toEqual([
      { ok: true, baseOffset: 0n, logAppendTimeMs: expect.any(BigInt) },
      { ok: false, errorCode: "UNKNOWN_TOPIC_OR_PARTITION" },
    ]);
    await buffer.flushAndClose();
  });

  it("never overlaps offsets when two agents (two buffers, two pools) produce to the same partitions", async () => {
    const topic = await metadata.createTopic(cluster, "two-agents", 4, {});
    const otherPool = createPgPool(database.db.url, { max: 4 });
    const otherMetadata = new PostgresMetadataStore({ pool: otherPool, ownsPool: true });
    const buffers = [
      new ProduceBuffer({ store, metadata, batchTimeoutMs: 2 }),
      new ProduceBuffer({ store, metadata: otherMetadata, batchTimeoutMs: 3 }),
    ];
    const batch = await batchOf("r", 5);
    const appends: Promise<AppendResult[]>[] = [];
    for (let i = 0; i < 60; i++) {
      const partitions = [0, 1, 2, 3].filter((p) => (p + i) % 3 !== 0);
      appends.push(
        buffers[i % 2]!.append(
          cluster,
          partitions.map((p) => entryOf(topic, p, batch)),
        ),
      );
      if (i % 10 === 0) await new Promise((r) => setTimeout(r, 3));
    }
    const results = await Promise.all(appends);
    const perPartition = new Map<number, bigint[]>();
    results.forEach((r, i) => {
      const partitions = [0, 1, 2, 3].filter((p) => (p + i) % 3 !== 0);
      offsetsOf(r).forEach((o, n) =>
        perPartition.set(partitions[n]!, [...(perPartition.get(partitions[n]!) ?? []), o]),
      );
    });
    for (const [, offsets] of perPartition) {
      const sorted = [...offsets].sort((a, b) => (a < b ? -1 : 1));
      expect(sorted).toEqual(sorted.map((_, i) => BigInt(i * 5)));
    }
    await Promise.all(buffers.map((b) => b.flushAndClose()));
    await otherMetadata.close();
  });

  it("fails every waiter of a flush whose PUT fails, and commits nothing", async () => {
    const topic = await metadata.createTopic(cluster, "put-fails", 1, {});
    const blocker = path.join(root, "not-a-directory");
    await writeFile(blocker, "x");
    const broken = new LocalDirObjectStore(blocker); // every put fails: its root is a file
    const buffer = new ProduceBuffer({ store: broken, metadata, batchTimeoutMs: 5 });
    const batch = await batchOf("p", 2);
    const outcomes = await Promise.allSettled([
      buffer.append(cluster, [entryOf(topic, 0, batch)]),
      buffer.append(cluster, [entryOf(topic, 0, batch)]),
    ]);
    for (const o of outcomes) {
      expect(o.status).toBe("rejected");
      const reason = (o as PromiseRejectedResult).reason as FlushFailedError;
      expect(reason).toBeInstanceOf(FlushFailedError);
      expect([reason.phase, reason.retriable]).toEqual(["put", true]);
    }
    const [head] = await metadata.partitionHeads(cluster, [{ topicId: topic.id, partition: 0 }]);
    expect(head?.highWatermark).toBe(0n);
    // The key of the failed PUT is recorded (after answering) so a PUT that did land gets deleted.
    await vi.waitFor(async () => {
      const { rows } = await database.db.pool.query(
        "SELECT count(*)::int AS n FROM objects WHERE state = 'orphaned' AND cluster_id = $1",
        [cluster],
      );
      expect(rows[0].n).toBeGreaterThan(0);
    });
    expect(buffer.bufferedBytes).toBe(0);
    await buffer.flushAndClose();
  });

  it("fails every waiter when the commit fails, leaving the written object unreferenced", async () => {
    const topic = await metadata.createTopic(cluster, "commit-fails", 1, {});
    const deadPool = createPgPool(database.db.url, { max: 1 });
    await deadPool.end();
    const deadMetadata = new PostgresMetadataStore({ pool: deadPool });
    const buffer = new ProduceBuffer({ store, metadata: deadMetadata, batchTimeoutMs: 5 });
    const error = await buffer
      .append(cluster, [entryOf(topic, 0, await batchOf("c", 1))])
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FlushFailedError);
    expect((error as FlushFailedError).phase).toBe("commit");
    const [head] = await metadata.partitionHeads(cluster, [{ topicId: topic.id, partition: 0 }]);
    expect(head?.highWatermark).toBe(0n);
    await buffer.flushAndClose();
  });

  it("flushAndClose answers everything buffered, then refuses appends; bufferedBytes drains", async () => {
    const topic: TopicInfo = await metadata.createTopic(cluster, "close", 1, {});
    const buffer = new ProduceBuffer({ store, metadata, batchTimeoutMs: 60_000 });
    const batch = await batchOf("z", 3);
    const pending = buffer.append(cluster, [entryOf(topic, 0, batch)]);
    expect(buffer.bufferedBytes).toBe(batch.length);
    let drained = false;
    const drain = buffer.whenBufferedBelow(1).then(() => (drained = true));
    expect(drained).toBe(false);
    await buffer.flushAndClose();
    expect(offsetsOf(await pending)).toEqual([0n]);
    await drain;
    expect(drained).toBe(true);
    await expect(buffer.append(cluster, [entryOf(topic, 0, batch)])).rejects.toBeInstanceOf(
      ProduceBufferClosedError,
    );
  });
});
