import { type ObjectInfo, ObjectNotFoundError, type ObjectStore } from "../storage/object-store.ts";
import type { OperationFaults, Owner, SimScheduler } from "./sim-scheduler.ts";

/** The chances of faults per object store request. */
export interface SimStoreFaults {
  put: OperationFaults;
  read: OperationFaults;
  /** A read that answers only a prefix of the bytes (a torn body). */
  tornRead: number;
}

/** The bucket: what survives every crash. */
export class SimBucket {
  readonly objects = new Map<string, Buffer>();
}

/**
 * One agent's connection to the simulated bucket: each request waits for the scheduler, which
 * decides when it completes and whether it fails, takes effect with its answer lost, or dies with
 * the agent.
 */
export class SimObjectStore implements ObjectStore {
  readonly location = "sim://bucket";

  constructor(
    private readonly bucket: SimBucket,
    private readonly scheduler: SimScheduler,
    private readonly owner: Owner,
    private readonly faults: SimStoreFaults,
  ) {}

  put(key: string, body: Buffer | readonly Buffer[]): Promise<void> {
    const bytes = Buffer.concat(Buffer.isBuffer(body) ? [body] : body);
    return this.scheduler.submit(this.owner, "put", this.faults.put, () => {
      this.bucket.objects.set(key, bytes);
    });
  }

  get(key: string): Promise<Buffer> {
    return this.read(key, 0, Number.MAX_SAFE_INTEGER);
  }

  getRange(key: string, start: number, end: number): Promise<Buffer> {
    return this.read(key, start, end);
  }

  head(key: string): Promise<ObjectInfo | undefined> {
    return this.scheduler.submit(this.owner, "head", this.faults.read, () => {
      const object = this.bucket.objects.get(key);
      return object && { key, size: object.length };
    });
  }

  async *list(prefix: string): AsyncIterable<ObjectInfo> {
    const keys = await this.scheduler.submit(this.owner, "list", this.faults.read, () =>
      [...this.bucket.objects.keys()].filter((k) => k.startsWith(prefix)).sort(),
    );
    for (const key of keys) yield { key, size: this.bucket.objects.get(key)?.length ?? 0 };
  }

  delete(keys: readonly string[]): Promise<void> {
    return this.scheduler.submit(this.owner, "delete", this.faults.put, () => {
      for (const key of keys) this.bucket.objects.delete(key);
    });
  }

  close(): Promise<void> {
    return Promise.resolve();
  }

  private read(key: string, start: number, end: number): Promise<Buffer> {
    // Drawn when sent, so the draw does not depend on which operation completes first.
    const torn = this.scheduler.faultsEnabled && this.scheduler.chance(this.faults.tornRead);
    const keep = this.scheduler.random();
    return this.scheduler.submit(this.owner, "getRange", this.faults.read, () => {
      const object = this.bucket.objects.get(key);
      if (!object) throw new ObjectNotFoundError(key);
      const bytes = object.subarray(start, Math.min(end, object.length));
      return torn ? bytes.subarray(0, Math.floor(bytes.length * keep)) : bytes;
    });
  }
}
