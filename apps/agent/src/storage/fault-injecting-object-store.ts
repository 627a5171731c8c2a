import { setTimeout as sleep } from "node:timers/promises";
import type { ObjectInfo, ObjectStore } from "./object-store.ts";
import { seededRandom } from "./seeded-random.ts";
import type { StoreFaults, StoreOperation } from "./store-faults.ts";

export type InjectedErrorKind = "internal" | "throttled" | "timeout" | "answer-lost";

/** A failure the fault-injecting store made up, shaped like the S3 error it imitates. */
export class InjectedStoreError extends Error {
  readonly kind: InjectedErrorKind;
  readonly retriable = true;
  constructor(kind: InjectedErrorKind, operation: string, key: string) {
    const names = {
      internal: "InternalError",
      throttled: "SlowDown",
      timeout: "TimeoutError",
      "answer-lost": "TimeoutError",
    } as const;
    super(`injected ${kind} fault on ${operation} ${key}`);
    this.name = names[kind];
    this.kind = kind;
  }
}

export interface InjectedFaultCounts {
  requests: number;
  errors: number;
  latencySpikes: number;
  stalls: number;
  tornReads: number;
  lostPuts: number;
}

const errorKinds = ["internal", "throttled", "timeout"] as const;

/** What requests outside the faults' operations get (they still draw, to keep seeds stable). */
const noFaults = { stallRate: 0, errorRate: 0, latencyRate: 0, latencyMs: 0 } as const;

/** What happens to one request, decided up front. */
interface Plan {
  stall: boolean;
  error: InjectedErrorKind | undefined;
  delayMs: number;
  /** For reads: keep this fraction of the bytes; for PUTs: the answer is lost. */
  tear: number | undefined;
}

/**
 * Wraps a store and injects the faults of `faults` into its requests, drawn from a PRNG seeded
 * with `faults.seed`. Every request draws the same number of values whatever happens to it, so
 * the same seed and the same sequence of requests inject the same faults.
 */
export class FaultInjectingObjectStore implements ObjectStore {
  readonly location: string;
  readonly injected: InjectedFaultCounts = {
    requests: 0,
    errors: 0,
    latencySpikes: 0,
    stalls: 0,
    tornReads: 0,
    lostPuts: 0,
  };
  private readonly inner: ObjectStore;
  private readonly faults: StoreFaults;
  private readonly random: () => number;

  constructor(inner: ObjectStore, faults: StoreFaults) {
    this.inner = inner;
    this.faults = faults;
    this.random = seededRandom(faults.seed);
    this.location = inner.location;
  }

  async put(key: string, body: Buffer | readonly Buffer[]): Promise<void> {
    const plan = await this.begin("put", key, this.faults.lostPutRate);
    await this.inner.put(key, body);
    if (plan.tear !== undefined) {
      this.injected.lostPuts++;
      throw new InjectedStoreError("answer-lost", "put", key);
    }
  }

  async get(key: string): Promise<Buffer> {
    const plan = await this.begin("get", key, this.faults.tornReadRate);
    return this.tear(plan, await this.inner.get(key));
  }

  async getRange(key: string, start: number, end: number): Promise<Buffer> {
    const plan = await this.begin("getRange", key, this.faults.tornReadRate);
    return this.tear(plan, await this.inner.getRange(key, start, end));
  }

  async head(key: string): Promise<ObjectInfo | undefined> {
    await this.begin("head", key, 0);
    return this.inner.head(key);
  }

  async *list(prefix: string): AsyncIterable<ObjectInfo> {
    await this.begin("list", prefix, 0);
    yield* this.inner.list(prefix);
  }

  async delete(keys: readonly string[]): Promise<void> {
    await this.begin("delete", keys[0] ?? "", 0);
    await this.inner.delete(keys);
  }

  close(): Promise<void> {
    return this.inner.close();
  }

  /** Draws the request's fate, then stalls, waits or fails as drawn. */
  private async begin(operation: StoreOperation, key: string, tearRate: number): Promise<Plan> {
    const applies = this.faults.operations.includes(operation);
    const f = applies ? this.faults : noFaults;
    const draws = Array.from({ length: 6 }, () => this.random()) as [
      number,
      number,
      number,
      number,
      number,
      number,
    ];
    const plan: Plan = {
      stall: draws[0] < f.stallRate,
      error:
        draws[1] < f.errorRate ? errorKinds[Math.floor(draws[2] * errorKinds.length)] : undefined,
      delayMs: draws[3] < f.latencyRate ? Math.round(f.latencyMs * (0.5 + draws[4])) : 0,
      tear: applies && draws[5] < tearRate ? draws[4] : undefined,
    };
    this.injected.requests++;
    if (plan.stall) {
      this.injected.stalls++;
      return new Promise<never>(() => {});
    }
    if (plan.delayMs > 0) {
      this.injected.latencySpikes++;
      await sleep(plan.delayMs);
    }
    if (plan.error !== undefined) {
      this.injected.errors++;
      throw new InjectedStoreError(plan.error, operation, key);
    }
    return plan;
  }

  private tear(plan: Plan, bytes: Buffer): Buffer {
    if (plan.tear === undefined || bytes.length === 0) return bytes;
    this.injected.tornReads++;
    return bytes.subarray(0, Math.floor(bytes.length * plan.tear));
  }
}
