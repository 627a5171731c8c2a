import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { createPgPool } from "@streambed/db";
import type { TestDatabase } from "@streambed/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BlockCache } from "../../src/fetch/block-cache.ts";
import { FetchReader, shareBudget, type FetchRequest } from "../../src/fetch/fetch-reader.ts";
import { PartitionHeadCache } from "../../src/fetch/partition-heads.ts";
import type { TopicInfo } from "../../src/metadata/metadata-store.ts";
import { PostgresMetadataStore } from "../../src/metadata/postgres/postgres-metadata-store.ts";
import { ProduceBuffer } from "../../src/produce/produce-buffer.ts";
import { LocalDirObjectStore } from "../../src/storage/local-dir.ts";
import type { ObjectStore } from "../../src/storage/object-store.ts";
import { openObjectStore } from "../../src/storage/open-object-store.ts";
import { databaseForFile } from "../support/postgres-per-file.ts";
import { batchOf, batchOffsets, entryOf } from "../support/record-batches.ts";
import { startS3Server, type S3TestServer } from "../storage/s3-server.ts";

let database: { db: TestDatabase; close(): Promise<void> };
let metadata: PostgresMetadataStore;
let root: string;
let s3: S3TestServer;
const stores: Record<string, ObjectStore> = {};

beforeAll(async () => {
  [database, s3] = await Promise.all([databaseForFile(), startS3Server()]);
  metadata = new PostgresMetadataStore({ pool: database.db.pool });
  root = await mkdtemp(path.join(tmpdir(), "streambed-fetch-"));
  stores.local = new LocalDirObjectStore(root);
  stores.s3 = openObjectStore(s3.bucketUrl("fetch"), { s3Credentials: s3.credentials });
});

afterAll(async () => {
  await Promise.all(Object.values(stores).map((s) => s.close()));
  await metadata?.close();
  await Promise.all([database?.close(), s3?.stop()]);
  await rm(root, { recursive: true, force: true });
});

describe.each(["local", "s3"])("FetchReader over the %s store", (kind) => {
  const cluster = `fetch-${kind}`;
  let store: ObjectStore;
  let heads: PartitionHeadCache;
  let reader: FetchReader;
  let buffer: ProduceBuffer;
  let topic: TopicInfo;
  const sent: Buffer[] = [];

  beforeAll(async () => {
    store = stores[kind]!;
    heads = new PartitionHeadCache(metadata);
    await heads.start();
    reader = new FetchReader({
      metadata,
      heads,
      blocks: new BlockCache(store, { blockSize: 64 * 1024 }),
    });
    buffer = new ProduceBuffer({
      store,
      metadata,
      batchTimeoutMs: 5,
      onCommitted: (_, h) => heads.apply(h),
    });
    topic = await metadata.createTopic(cluster, "events", 3, {});
    // Partition 0: batches of 3, 2 and 4 records in separate objects, then 1 in partition 1.
    for (const [label, count] of [
      ["a", 3],
      ["b", 2],
      ["c", 4],
    ] as const) {
      const batch = await batchOf(label, count, 200);
      sent.push(batch);
      await buffer.append(cluster, [entryOf(topic, 0, batch)]);
    }
    await buffer.append(cluster, [entryOf(topic, 1, await batchOf("p1", 1, 200))]);
  });

  afterAll(async () => {
    await buffer.flushAndClose();
    await heads.close();
  });

  const request = (
    partitions: [number, bigint, number][],
    extra: Partial<FetchRequest> = {},
  ): FetchRequest => ({
    clusterId: cluster,
    partitions: partitions.map(([partition, fetchOffset, partitionMaxBytes]) => ({
      topicId: topic.id,
      partition,
      fetchOffset,
      partitionMaxBytes,
    })),
    maxBytes: 1 << 20,
    minBytes: 1,
    maxWaitMs: 0,
    ...extra,
  });

  it("returns whole batches with their base offsets patched and the bytes otherwise as sent", async () => {
    const [p0] = await reader.read(request([[0, 0n, 1 << 20]]));
    expect(p0).toMatchObject({ highWatermark: 9n, logStartOffset: 0n, lastStableOffset: 9n });
    expect(p0!.errorCode).toBeUndefined();
    expect(batchOffsets(p0!.records)).toEqual([
      [0n, 3],
      [3n, 2],
      [5n, 4],
    ]);
    // Only baseOffset (bytes 0-7) and partitionLeaderEpoch (12-15) differ; both are outside the CRC.
    let at = 0;
    for (const batch of sent) {
      const got = p0!.records.subarray(at, at + batch.length);
      expect(got.subarray(8, 12).equals(batch.subarray(8, 12))).toBe(true);
      expect(got.subarray(16).equals(batch.subarray(16))).toBe(true);
      at += batch.length;
    }
  });

  it("starts at the batch containing the fetch offset", async () => {
    const [p0] = await reader.read(request([[0, 4n, 1 << 20]]));
    expect(batchOffsets(p0!.records)).toEqual([
      [3n, 2],
      [5n, 4],
    ]);
  });

  it("respects partition_max_bytes and max_bytes with whole batches, always giving the first batch", async () => {
    const [tiny] = await reader.read(request([[0, 0n, 10]]));
    expect(batchOffsets(tiny!.records)).toEqual([[0n, 3]]);

    const twoBatches = sent[0]!.length + sent[1]!.length;
    const [limited] = await reader.read(request([[0, 0n, twoBatches + 10]]));
    expect(batchOffsets(limited!.records)).toEqual([
      [0n, 3],
      [3n, 2],
    ]);

    const [first, second] = await reader.read(
      request(
        [
          [0, 0n, 1 << 20],
          [1, 0n, 1 << 20],
        ],
        { maxBytes: sent[0]!.length + 5 },
      ),
    );
    expect(batchOffsets(first!.records)).toEqual([[0n, 3]]);
    expect(second!.records.length).toBe(0);
    expect(second!.highWatermark).toBe(1n);

    const [, only] = await reader.read(
      request(
        [
          [0, 9n, 1 << 20],
          [1, 0n, 5],
        ],
        { maxBytes: 5 },
      ),
    );
    expect(batchOffsets(only!.records)).toEqual([[0n, 1]]);
  });

  it("deals max_bytes out to the partitions an index row at a time, not all to the first", async () => {
    const maxBytes = sent[0]!.length + sent[1]!.length;
    const [p0, p1] = await reader.read(
      request(
        [
          [0, 0n, 1 << 20],
          [1, 0n, 1 << 20],
        ],
        { maxBytes },
      ),
    );
    expect(batchOffsets(p0!.records)).toEqual([[0n, 3]]);
    expect(batchOffsets(p1!.records)).toEqual([[0n, 1]]);
    expect(p0!.records.length + p1!.records.length).toBeLessThanOrEqual(maxBytes);
  });

  it("answers OFFSET_OUT_OF_RANGE and UNKNOWN_TOPIC_OR_PARTITION", async () => {
    const results = await reader.read(
      request([
        [0, 10n, 1 << 20],
        [7, 0n, 1 << 20],
      ]),
    );
    expect(results.map((r) => r.errorCode)).toEqual([
      "OFFSET_OUT_OF_RANGE",
      "UNKNOWN_TOPIC_OR_PARTITION",
    ]);
    // As the DeleteRecords handler does: the agent applies the new head at once (other agents
    // learn it from the notification).
    heads.apply([
      (await metadata.deleteRecordsBefore(cluster, { topicId: topic.id, partition: 1 }, 1n))!,
    ]);
    const [below] = await reader.read(request([[1, 0n, 1 << 20]]));
    expect(below).toMatchObject({
      errorCode: "OFFSET_OUT_OF_RANGE",
      logStartOffset: 1n,
      highWatermark: 1n,
    });
  });

  it("waits up to max_wait_ms at the end of the log, then answers empty", async () => {
    const started = performance.now();
    const [p2] = await reader.read(request([[2, 0n, 1 << 20]], { maxWaitMs: 300 }));
    expect(performance.now() - started).toBeGreaterThanOrEqual(290);
    expect(p2).toMatchObject({ highWatermark: 0n, records: Buffer.alloc(0) });
  });

  it("wakes a long poll when another agent commits (notification over another pool)", async () => {
    const otherPool = createPgPool(database.db.url, { max: 2 });
    const otherMetadata = new PostgresMetadataStore({ pool: otherPool, ownsPool: true });
    const otherBuffer = new ProduceBuffer({ store, metadata: otherMetadata, batchTimeoutMs: 5 });
    try {
      const started = performance.now();
      const poll = reader.read(request([[2, 0n, 1 << 20]], { maxWaitMs: 20_000 }));
      await new Promise((r) => setTimeout(r, 100));
      await otherBuffer.append(cluster, [entryOf(topic, 2, await batchOf("late", 2))]);
      const [p2] = await poll;
      expect(performance.now() - started).toBeLessThan(10_000);
      expect(batchOffsets(p2!.records)).toEqual([[0n, 2]]);
      expect(p2!.highWatermark).toBe(2n);
    } finally {
      await otherBuffer.flushAndClose();
      await otherMetadata.close();
    }
  });

  it("ends a long poll early when aborted", async () => {
    const controller = new AbortController();
    const started = performance.now();
    const poll = reader.read(
      request([[0, 9n, 1 << 20]], { maxWaitMs: 20_000, signal: controller.signal }),
    );
    setTimeout(() => controller.abort(), 50);
    const [p0] = await poll;
    expect(performance.now() - started).toBeLessThan(5_000);
    expect(p0!.records.length).toBe(0);
  });
});

describe("shareBudget", () => {
  const rows = (...lengths: number[]) => lengths.map((byteLength) => ({ byteLength }));

  it("gives every partition its next row before any gets a second", () => {
    expect(
      shareBudget(300, [1000, 1000, 1000], [rows(100, 100), rows(100, 100), rows(100)]),
    ).toEqual([100, 100, 100]);
    expect(
      shareBudget(450, [1000, 1000, 1000], [rows(100, 100), rows(100, 100), rows(100)]),
    ).toEqual([200, 150, 100]);
  });

  it("stops a partition at its partition_max_bytes and the whole at max_bytes", () => {
    expect(shareBudget(1000, [150, 1000], [rows(100, 100, 100), rows(100, 100, 100)])).toEqual([
      150, 300,
    ]);
    expect(shareBudget(50, [1000, 1000], [rows(100), rows(100)])).toEqual([50, 0]);
  });

  it("hands out no more than the rows hold", () => {
    expect(shareBudget(10_000, [1000, 1000], [rows(100), []])).toEqual([100, 0]);
  });
});
