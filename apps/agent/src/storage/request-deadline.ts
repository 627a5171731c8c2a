import type { ObjectInfo, ObjectStore } from "./object-store.ts";

/** A store request did not answer within the deadline; whether it took effect is unknown. */
export class ObjectRequestTimeoutError extends Error {
  readonly retriable = true;
  constructor(operation: string, key: string, timeoutMs: number) {
    super(`object store ${operation} ${key} did not answer within ${timeoutMs} ms`);
    this.name = "ObjectRequestTimeoutError";
  }
}

/**
 * Bounds every request of a store: one that has not answered after `timeoutMs` fails with
 * ObjectRequestTimeoutError, so a stalled store (a hung NFS mount, a black-holed connection)
 * cannot hold producers and flush slots forever. The request itself is abandoned, not cancelled:
 * a PUT may still land, which the produce path already treats as an unreferenced object.
 */
export function withRequestDeadline(store: ObjectStore, timeoutMs: number): ObjectStore {
  function bounded<T>(operation: string, key: string, request: Promise<T>): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new ObjectRequestTimeoutError(operation, key, timeoutMs)),
        timeoutMs,
      );
    });
    return Promise.race([request, deadline]).finally(() => clearTimeout(timer));
  }
  return {
    location: store.location,
    put: (key: string, body: Buffer | readonly Buffer[]) =>
      bounded("put", key, store.put(key, body)),
    get: (key: string) => bounded("get", key, store.get(key)),
    getRange: (key: string, start: number, end: number) =>
      bounded("getRange", key, store.getRange(key, start, end)),
    head: (key: string): Promise<ObjectInfo | undefined> => bounded("head", key, store.head(key)),
    list: (prefix: string): AsyncIterable<ObjectInfo> => store.list(prefix),
    delete: (keys: readonly string[]) => bounded("delete", keys[0] ?? "", store.delete(keys)),
    close: () => store.close(),
  };
}
