import type { ObjectInfo, ObjectStore } from "./object-store.ts";

/** The instruments object requests are counted on; prom-client Counters fit. */
export interface ObjectStoreMetrics {
  puts: { inc(value?: number): void };
  putBytes: { inc(value?: number): void };
  gets: { inc(value?: number): void };
  getBytes: { inc(value?: number): void };
  failures: { inc(value?: number): void };
}

/** Wraps a store so every PUT and GET is counted (requests and bytes). */
export function instrumentObjectStore(
  store: ObjectStore,
  metrics: ObjectStoreMetrics,
): ObjectStore {
  async function counted<T>(request: Promise<T>): Promise<T> {
    try {
      return await request;
    } catch (error) {
      metrics.failures.inc();
      throw error;
    }
  }
  return {
    location: store.location,
    async put(key: string, body: Buffer | readonly Buffer[]) {
      metrics.puts.inc();
      await counted(store.put(key, body));
      metrics.putBytes.inc(
        Buffer.isBuffer(body) ? body.length : body.reduce((n, b) => n + b.length, 0),
      );
    },
    async get(key: string) {
      metrics.gets.inc();
      const bytes = await counted(store.get(key));
      metrics.getBytes.inc(bytes.length);
      return bytes;
    },
    async getRange(key: string, start: number, end: number) {
      metrics.gets.inc();
      const bytes = await counted(store.getRange(key, start, end));
      metrics.getBytes.inc(bytes.length);
      return bytes;
    },
    head: (key: string): Promise<ObjectInfo | undefined> => store.head(key),
    list: (prefix: string): AsyncIterable<ObjectInfo> => store.list(prefix),
    delete: (keys: readonly string[]) => store.delete(keys),
    close: () => store.close(),
  };
}
