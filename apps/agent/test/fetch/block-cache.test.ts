import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BlockCache, ShortReadError } from "../../src/fetch/block-cache.ts";
import { instrumentObjectStore } from "../../src/storage/instrumented-object-store.ts";
import { LocalDirObjectStore } from "../../src/storage/local-dir.ts";
import type { ObjectStore } from "../../src/storage/object-store.ts";

class Count {
  value = 0;
  inc(n = 1): void {
    this.value += n;
  }
}

let root: string;
let store: ObjectStore;
const gets = new Count();
const body = randomBytes(10_000);

beforeAll(async () => {
  root = await mkdtemp(path.join(tmpdir(), "streambed-block-cache-"));
  store = instrumentObjectStore(new LocalDirObjectStore(root), {
    puts: new Count(),
    putBytes: new Count(),
    gets,
    getBytes: new Count(),
    failures: new Count(),
  });
  await store.put("c/flush/obj", body);
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe("BlockCache", () => {
  it("serves ranges from fixed-size blocks, one GET per block even for concurrent readers", async () => {
    const cache = new BlockCache(store, { blockSize: 4096, maxBytes: 1 << 20 });
    const before = gets.value;
    const reads = await Promise.all(
      Array.from({ length: 10 }, (_, i) => cache.read("c/flush/obj", i * 10, i * 10 + 100)),
    );
    reads.forEach((r, i) => expect(r.equals(body.subarray(i * 10, i * 10 + 100))).toBe(true));
    expect(gets.value - before).toBe(1);
    expect(cache.stats).toMatchObject({ misses: 1, hits: 9, blocks: 1, bytes: 4096 });

    // A range across blocks, and one that ends with the object (its last block is short).
    expect((await cache.read("c/flush/obj", 4000, 8300)).equals(body.subarray(4000, 8300))).toBe(
      true,
    );
    expect((await cache.read("c/flush/obj", 9000, 10_000)).equals(body.subarray(9000))).toBe(true);
    expect(gets.value - before).toBe(3);
    expect(cache.stats.bytes).toBe(10_000);
    // Bytes the object does not hold are an error, not a silently short answer.
    await expect(cache.read("c/flush/obj", 9000, 12_000)).rejects.toThrow(ShortReadError);
  });

  it("drops a torn block instead of serving it short to every later read", async () => {
    let tear = true;
    const torn: Pick<ObjectStore, "getRange"> = {
      async getRange(key, start, end) {
        const bytes = await store.getRange(key, start, end);
        if (!tear) return bytes;
        tear = false;
        return bytes.subarray(0, 100);
      },
    };
    const cache = new BlockCache(torn, { blockSize: 4096, maxBytes: 1 << 20 });
    await expect(cache.read("c/flush/obj", 0, 3000)).rejects.toThrow(ShortReadError);
    expect(cache.stats.bytes).toBe(0);
    expect((await cache.read("c/flush/obj", 0, 3000)).equals(body.subarray(0, 3000))).toBe(true);
  });

  it("evicts the least recently used blocks beyond its byte budget", async () => {
    const cache = new BlockCache(store, { blockSize: 4096, maxBytes: 8192 });
    await cache.read("c/flush/obj", 0, 1); // block 0
    await cache.read("c/flush/obj", 4096, 4097); // block 1
    await cache.read("c/flush/obj", 0, 1); // block 0 is now the most recent
    await cache.read("c/flush/obj", 8192, 8193); // block 2 (short: 1808 bytes) evicts block 1
    expect(cache.stats).toMatchObject({ blocks: 2, bytes: 4096 + 1808, misses: 3, hits: 1 });
    await cache.read("c/flush/obj", 0, 1);
    expect(cache.stats.hits).toBe(2);
    await cache.read("c/flush/obj", 4096, 4097);
    expect(cache.stats.misses).toBe(4);
  });

  it("prefetches blocks once, and reads then wait for those loads", async () => {
    const cache = new BlockCache(store, { blockSize: 4096 });
    const before = gets.value;
    expect(cache.prefetch("c/flush/obj", 100, 9000)).toBe(3 * 4096);
    expect(cache.prefetch("c/flush/obj", 0, 5000)).toBe(0);
    expect((await cache.read("c/flush/obj", 100, 9000)).equals(body.subarray(100, 9000))).toBe(
      true,
    );
    expect(gets.value - before).toBe(3);
  });

  it("does not cache a failed load", async () => {
    const cache = new BlockCache(store, { blockSize: 4096 });
    await expect(cache.read("c/flush/missing", 0, 10)).rejects.toThrow(/not found/);
    await expect(cache.read("c/flush/missing", 0, 10)).rejects.toThrow(/not found/);
    expect(cache.stats).toMatchObject({ misses: 2, blocks: 0 });
  });

  it("asks the block's owner first, reads the store when the owner does not answer, and serves owned blocks from the store only", async () => {
    const asked: number[] = [];
    const peerBlock = Buffer.alloc(4096, 7);
    let release: (block: Buffer | undefined) => void = () => undefined;
    const cache = new BlockCache(store, {
      blockSize: 4096,
      peers: {
        fetchBlock: (_key, index) => {
          asked.push(index);
          if (index === 0) return Promise.resolve(peerBlock);
          if (index === 1) return Promise.resolve(undefined);
          return new Promise((resolve) => (release = resolve));
        },
      },
    });
    const before = gets.value;
    expect((await cache.read("c/flush/obj", 0, 10)).equals(peerBlock.subarray(0, 10))).toBe(true);
    expect((await cache.read("c/flush/obj", 4096, 4106)).equals(body.subarray(4096, 4106))).toBe(
      true,
    );
    expect(gets.value - before).toBe(1);
    // A peer asking this agent for block 2 while this agent waits on another owner for it does
    // not wait on that owner (two agents briefly disagreeing on the owner must not deadlock).
    const viaPeer = cache.read("c/flush/obj", 8192, 8202);
    expect((await cache.ownedBlock("c/flush/obj", 2)).equals(body.subarray(8192))).toBe(true);
    expect(gets.value - before).toBe(2);
    release(undefined);
    expect((await viaPeer).equals(body.subarray(8192, 8202))).toBe(true);
    // Cached blocks, from a peer or not, are served without asking again.
    await cache.read("c/flush/obj", 0, 10);
    await cache.ownedBlock("c/flush/obj", 1);
    expect(asked).toEqual([0, 1, 2]);
  });
});
