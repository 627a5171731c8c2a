import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseConfig } from "../../src/config.ts";
import {
  FaultInjectingObjectStore,
  InjectedStoreError,
} from "../../src/storage/fault-injecting-object-store.ts";
import { newObjectKey, type ObjectStore } from "../../src/storage/object-store.ts";
import { openAgentObjectStore, openObjectStore } from "../../src/storage/open-object-store.ts";
import {
  ObjectRequestTimeoutError,
  withRequestDeadline,
} from "../../src/storage/request-deadline.ts";
import {
  describeStoreFaults,
  parseStoreFaults,
  StoreFaultsSyntaxError,
} from "../../src/storage/store-faults.ts";
import { objectStoreContract } from "./object-store-contract.ts";
import { startS3Server, type S3TestServer } from "./s3-server.ts";

let root: string;
let s3: S3TestServer;
const stores: Record<"local" | "s3", ObjectStore> = {} as Record<"local" | "s3", ObjectStore>;

beforeAll(async () => {
  root = await mkdtemp(path.join(tmpdir(), "streambed-faults-"));
  s3 = await startS3Server();
  stores.local = openObjectStore(pathToFileURL(root).href);
  stores.s3 = openObjectStore(s3.bucketUrl("faults"), { s3Credentials: s3.credentials });
});

afterAll(async () => {
  await stores.local?.close();
  await stores.s3?.close();
  await s3?.stop();
  await rm(root, { recursive: true, force: true });
});

const noFaults = parseStoreFaults("seed=3");
objectStoreContract("fault-injecting store without faults, behind a deadline", () =>
  withRequestDeadline(new FaultInjectingObjectStore(stores.local, noFaults), 5_000),
);

/** The outcome of each of `n` HEADs: "ok" or the injected error's kind. */
async function outcomes(store: ObjectStore, key: string, n: number): Promise<string[]> {
  const result: string[] = [];
  for (let i = 0; i < n; i++) {
    result.push(
      await store.head(key).then(
        () => "ok",
        (err: unknown) => (err instanceof InjectedStoreError ? err.kind : String(err)),
      ),
    );
  }
  return result;
}

describe.each(["local", "s3"] as const)("fault-injecting object store over %s", (which) => {
  it("injects the same faults for the same seed, other faults for another seed", async () => {
    const key = newObjectKey("faults", "flush");
    const run = (seed: number) =>
      outcomes(
        new FaultInjectingObjectStore(
          stores[which],
          parseStoreFaults(`seed=${seed},error_rate=0.3`),
        ),
        key,
        200,
      );
    const [a, b, c] = [await run(7), await run(7), await run(8)];
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
    const errors = a.filter((o) => o !== "ok");
    // 30% of 200, with generous room for chance; every kind of error shows up.
    expect(errors.length).toBeGreaterThan(35);
    expect(errors.length).toBeLessThan(85);
    expect(new Set(errors)).toEqual(new Set(["internal", "throttled", "timeout"]));
  });

  it("a failed PUT wrote nothing; a PUT whose answer was lost wrote everything", async () => {
    const failing = new FaultInjectingObjectStore(stores[which], parseStoreFaults("error_rate=1"));
    const failedKey = newObjectKey("faults", "flush");
    await expect(failing.put(failedKey, Buffer.from("never"))).rejects.toBeInstanceOf(
      InjectedStoreError,
    );
    expect(await stores[which].head(failedKey)).toBeUndefined();

    const losing = new FaultInjectingObjectStore(
      stores[which],
      parseStoreFaults("lost_put_rate=1"),
    );
    const lostKey = newObjectKey("faults", "flush");
    const err = await losing.put(lostKey, Buffer.from("stored anyway")).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InjectedStoreError);
    expect((err as InjectedStoreError).kind).toBe("answer-lost");
    expect((await stores[which].get(lostKey)).toString()).toBe("stored anyway");
    expect(losing.injected.lostPuts).toBe(1);
  });

  it("tears range reads: fewer bytes than asked though the object is longer", async () => {
    const key = newObjectKey("faults", "flush");
    const body = Buffer.from("0123456789".repeat(100));
    await stores[which].put(key, body);
    const tearing = new FaultInjectingObjectStore(
      stores[which],
      parseStoreFaults("seed=5,torn_read_rate=1"),
    );
    for (let i = 0; i < 10; i++) {
      const bytes = await tearing.getRange(key, 100, 900);
      expect(bytes.length).toBeLessThan(800);
      expect(bytes.equals(body.subarray(100, 100 + bytes.length))).toBe(true);
    }
    expect(tearing.injected.tornReads).toBe(10);
  });

  it("a stalled request never answers by itself; the deadline ends it", async () => {
    const key = newObjectKey("faults", "flush");
    const stalling = new FaultInjectingObjectStore(stores[which], parseStoreFaults("stall_rate=1"));
    const started = Date.now();
    await expect(
      withRequestDeadline(stalling, 300).put(key, Buffer.from("x")),
    ).rejects.toBeInstanceOf(ObjectRequestTimeoutError);
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    expect(stalling.injected.stalls).toBe(1);
    expect(await stores[which].head(key)).toBeUndefined();
  });

  it("delays requests by about latency_ms", async () => {
    const slow = new FaultInjectingObjectStore(stores[which], parseStoreFaults("latency_ms=200"));
    const started = Date.now();
    await slow.head("faults/none");
    await slow.head("faults/none");
    expect(Date.now() - started).toBeGreaterThanOrEqual(200); // each at least 100 ms
    expect(slow.injected.latencySpikes).toBe(2);
  });
});

describe("store fault settings", () => {
  it("parses the STREAMBED_STORE_FAULTS syntax and describes it in one line", () => {
    const faults = parseStoreFaults("seed=7, error_rate=0.1 ,latency_ms=200,latency_rate=0.25");
    expect(faults).toMatchObject({ seed: 7, errorRate: 0.1, latencyMs: 200, latencyRate: 0.25 });
    expect(describeStoreFaults(faults)).toBe(
      "seed 7: 10% errors (500/503/timeout), 25% latency ~200 ms",
    );
    expect(parseStoreFaults("latency_ms=50").latencyRate).toBe(1);
  });

  it("rejects unknown names, rates outside [0, 1] and malformed pairs", () => {
    expect(() => parseStoreFaults("eror_rate=0.1")).toThrow(StoreFaultsSyntaxError);
    expect(() => parseStoreFaults("error_rate=1.5")).toThrow(/error_rate/);
    expect(() => parseStoreFaults("seed")).toThrow(/name=value/);
  });

  it("reaches the agent as --store-faults or STREAMBED_STORE_FAULTS, checked at start", () => {
    const base = ["--database-url", "postgres://x"];
    const parsed = parseConfig(base, { STREAMBED_STORE_FAULTS: "seed=2,stall_rate=0.01" });
    expect(!parsed.help && parsed.config.storeFaults).toMatchObject({ seed: 2, stallRate: 0.01 });
    expect(() => parseConfig([...base, "--store-faults", "nope=1"], {})).toThrow(/--store-faults/);
    const none = parseConfig(base, {});
    expect(!none.help && none.config.storeFaults).toBeNull();
  });

  it("the agent's store logs the faults it injects and bounds every request", async () => {
    const logged: object[] = [];
    const store = openAgentObjectStore(
      {
        bucketUrl: pathToFileURL(root).href,
        storeFaults: parseStoreFaults("seed=1,stall_rate=1"),
        objectRequestTimeoutMs: 100,
      },
      { warn: (obj) => logged.push(obj) },
    );
    expect(logged).toEqual([{ storeFaults: "seed 1: 100% stalls" }]);
    await expect(store.get("faults/flush/x")).rejects.toBeInstanceOf(ObjectRequestTimeoutError);
  });
});
