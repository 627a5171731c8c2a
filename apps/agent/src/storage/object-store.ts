import { ulid } from "ulid";
import { type Clock, systemClock } from "../clock.ts";
import type { Random } from "./seeded-random.ts";

/** What an object holds; the middle segment of its key. */
export type ObjectKind = "flush" | "compacted";

export interface ObjectInfo {
  key: string;
  size: number;
}

/**
 * Object storage as the data plane needs it: immutable objects written once, read by byte
 * range. Keys are logical (`<clusterId>/<kind>/<ulid>`); a store applies its own prefix
 * (from the bucket URL), so the key recorded in the metadata store is independent of where
 * the bucket lives.
 */
export interface ObjectStore {
  /** Where objects go, for logs (a URL without credentials). */
  readonly location: string;
  /** Writes the whole object atomically: readers see all of it or nothing. */
  put(key: string, body: Buffer | readonly Buffer[]): Promise<void>;
  /** The whole object. Throws ObjectNotFoundError. */
  get(key: string): Promise<Buffer>;
  /**
   * Bytes [start, end) of the object (end exclusive). Returns fewer bytes when the object ends
   * before `end`. Throws ObjectNotFoundError.
   */
  getRange(key: string, start: number, end: number): Promise<Buffer>;
  /** Size of the object, or undefined when it does not exist. */
  head(key: string): Promise<ObjectInfo | undefined>;
  /** Every object whose key starts with `prefix`, in key order. */
  list(prefix: string): AsyncIterable<ObjectInfo>;
  /** Deletes the objects; keys that do not exist are ignored. */
  delete(keys: readonly string[]): Promise<void>;
  close(): Promise<void>;
}

export class ObjectNotFoundError extends Error {
  readonly key: string;
  constructor(key: string) {
    super(`object not found: ${key}`);
    this.name = "ObjectNotFoundError";
    this.key = key;
  }
}

/**
 * A fresh key `<clusterId>/<kind>/<ulid>`; ULIDs sort by creation time. The simulation passes its
 * clock and seeded random so keys are the same on every run of a seed.
 */
export function newObjectKey(
  clusterId: string,
  kind: ObjectKind,
  clock: Clock = systemClock,
  random?: Random,
): string {
  return `${clusterId}/${kind}/${ulid(clock.wallNow(), random)}`;
}

const OBJECT_KEY =
  /^([A-Za-z0-9][A-Za-z0-9._-]{0,127})\/(?:flush|compacted)\/[0-9A-HJKMNP-TV-Z]{26}$/;

/**
 * The cluster of a key shaped `<clusterId>/<kind>/<ulid>` (as newObjectKey makes them);
 * undefined for anything else, such as a path a caller should not be able to name.
 */
export function clusterOfObjectKey(key: string): string | undefined {
  return OBJECT_KEY.exec(key)?.[1];
}
