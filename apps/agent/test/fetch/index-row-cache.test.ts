import type { TestDatabase } from "@streambed/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { IndexRowCache } from "../../src/fetch/index-row-cache.ts";
import { PostgresMetadataStore } from "../../src/metadata/postgres/postgres-metadata-store.ts";
import { databaseForFile } from "../support/postgres-per-file.ts";

let database: { db: TestDatabase; close(): Promise<void> };
let metadata: PostgresMetadataStore;
const cluster = "index-cache";

beforeAll(async () => {
  database = await databaseForFile();
  metadata = new PostgresMetadataStore({ pool: database.db.pool });
});

afterAll(async () => {
  await metadata?.close();
  await database?.close();
});

describe("IndexRowCache", () => {
  it("answers repeated lookups from memory when cached rows cover the budget or reach the high watermark", async () => {
    const topic = await metadata.createTopic(cluster, "t", 1, {});
    for (let i = 0; i < 4; i++) {
      // Rows of 10 offsets and 1000 bytes each: [0-9] [10-19] [20-29] [30-39].
      await metadata.commitFlush(cluster, `${cluster}/flush/${i}`, 1000, [
        {
          topicId: topic.id,
          partition: 0,
          byteOffset: 0,
          byteLength: 1000,
          recordCount: 10,
          maxTimestamp: 1n,
        },
      ]);
    }
    const cache = new IndexRowCache();
    const find = async (fromOffset: bigint, maxBytes: number, hwm = 40n) =>
      (
        await cache.find(
          metadata,
          cluster,
          [{ topicId: topic.id, partition: 0, fromOffset, maxBytes }],
          [hwm],
        )
      )[0]!.map((r) => r.baseOffset);

    expect(await find(0n, 1500)).toEqual([0n, 10n]);
    expect(cache.stats).toMatchObject({ hits: 0, misses: 1 });
    expect(await find(5n, 1000)).toEqual([0n]);
    expect(await find(12n, 1)).toEqual([10n]);
    expect(cache.stats).toMatchObject({ hits: 2, misses: 1 });
    // Cached rows end at 19 but the budget wants more and the log goes on: ask the store.
    expect(await find(12n, 5000)).toEqual([10n, 20n, 30n]);
    expect(cache.stats.misses).toBe(2);
    // Now everything up to the high watermark is cached.
    expect(await find(12n, 5000)).toEqual([10n, 20n, 30n]);
    expect(cache.stats).toMatchObject({ hits: 3, misses: 2 });
  });

  it("forgets rows after its time to live", async () => {
    const topic = await metadata.createTopic(cluster, "ttl", 1, {});
    await metadata.commitFlush(cluster, `${cluster}/flush/ttl`, 100, [
      {
        topicId: topic.id,
        partition: 0,
        byteOffset: 0,
        byteLength: 100,
        recordCount: 1,
        maxTimestamp: 1n,
      },
    ]);
    const cache = new IndexRowCache({ ttlMs: 1 });
    const lookup = [{ topicId: topic.id, partition: 0, fromOffset: 0n, maxBytes: 1 << 20 }];
    await cache.find(metadata, cluster, lookup, [1n]);
    await new Promise((r) => setTimeout(r, 5));
    await cache.find(metadata, cluster, lookup, [1n]);
    expect(cache.stats).toMatchObject({ hits: 0, misses: 2 });
  });
});
