/**
 * Raw write throughput of the local-directory object store: 8 MiB objects (as a full flush
 * writes them, in 64 KiB parts) with the same number of PUTs in flight as the produce buffer
 * allows. The produce benchmark compares its throughput against this.
 *
 *   npx tsx apps/agent/bench/object-store.bench.ts [objects] [concurrency]
 */
import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { DEFAULT_MAX_FLUSHES_IN_FLIGHT } from "../src/produce/produce-buffer.ts";
import { LocalDirObjectStore } from "../src/storage/local-dir.ts";
import { newObjectKey } from "../src/storage/object-store.ts";

export interface StoreWriteResult {
  objects: number;
  objectBytes: number;
  concurrency: number;
  seconds: number;
  mibPerSecond: number;
  putsPerSecond: number;
}

export async function measureLocalStoreWrites(
  options: {
    objects?: number;
    objectBytes?: number;
    concurrency?: number;
    dir?: string;
  } = {},
): Promise<StoreWriteResult> {
  const objects = options.objects ?? 48;
  const objectBytes = options.objectBytes ?? 8 * 1024 * 1024;
  const concurrency = options.concurrency ?? DEFAULT_MAX_FLUSHES_IN_FLIGHT;
  const root = await mkdtemp(path.join(options.dir ?? tmpdir(), "streambed-store-bench-"));
  const store = new LocalDirObjectStore(root);
  const data = randomBytes(objectBytes);
  const parts: Buffer[] = [];
  for (let at = 0; at < objectBytes; at += 64 * 1024) parts.push(data.subarray(at, at + 64 * 1024));
  try {
    await store.put(newObjectKey("bench", "flush"), parts); // warm-up: creates the directories
    let next = 0;
    const started = performance.now();
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (next < objects) {
          next++;
          await store.put(newObjectKey("bench", "flush"), parts);
        }
      }),
    );
    const seconds = (performance.now() - started) / 1000;
    return {
      objects,
      objectBytes,
      concurrency,
      seconds,
      mibPerSecond: (objects * objectBytes) / (1024 * 1024) / seconds,
      putsPerSecond: objects / seconds,
    };
  } finally {
    await store.close();
    await rm(root, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const objects = Number(process.argv[2] ?? 48);
  const concurrency = Number(process.argv[3] ?? DEFAULT_MAX_FLUSHES_IN_FLIGHT);
  for (const c of [1, concurrency]) {
    const r = await measureLocalStoreWrites({ objects, concurrency: c });
    console.log(
      `local-dir store: ${r.objects} x ${r.objectBytes / 1024 / 1024} MiB, ${r.concurrency} in flight: ` +
        `${r.mibPerSecond.toFixed(1)} MiB/s, ${r.putsPerSecond.toFixed(1)} PUT/s (${r.seconds.toFixed(2)} s)`,
    );
  }
}
