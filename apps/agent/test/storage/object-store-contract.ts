import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import {
  newObjectKey,
  ObjectNotFoundError,
  type ObjectStore,
} from "../../src/storage/object-store.ts";

/** The behaviour every ObjectStore implementation must have; run against each of them. */
export function objectStoreContract(name: string, open: () => ObjectStore): void {
  describe(`ObjectStore contract: ${name}`, () => {
    const cluster = `c-${randomBytes(4).toString("hex")}`;

    it("puts an object given as parts and reads it back whole, by range and by head", async () => {
      const store = open();
      const key = newObjectKey(cluster, "flush");
      const parts = [randomBytes(1000), Buffer.alloc(0), randomBytes(70_000), Buffer.from("tail")];
      const whole = Buffer.concat(parts);
      await store.put(key, parts);
      expect((await store.get(key)).equals(whole)).toBe(true);
      expect((await store.getRange(key, 0, 10)).equals(whole.subarray(0, 10))).toBe(true);
      expect((await store.getRange(key, 999, 1500)).equals(whole.subarray(999, 1500))).toBe(true);
      expect(await store.head(key)).toEqual({ key, size: whole.length });
    });

    it("returns the available bytes of a range past the end, and nothing beyond it", async () => {
      const store = open();
      const key = newObjectKey(cluster, "flush");
      await store.put(key, Buffer.from("0123456789"));
      expect((await store.getRange(key, 6, 4096)).toString()).toBe("6789");
      expect((await store.getRange(key, 10, 4096)).length).toBe(0);
      expect((await store.getRange(key, 3, 3)).length).toBe(0);
    });

    it("reports missing objects", async () => {
      const store = open();
      const key = newObjectKey(cluster, "flush");
      await expect(store.get(key)).rejects.toBeInstanceOf(ObjectNotFoundError);
      await expect(store.getRange(key, 0, 10)).rejects.toBeInstanceOf(ObjectNotFoundError);
      expect(await store.head(key)).toBeUndefined();
    });

    it("overwrites an object atomically with a put of the same key", async () => {
      const store = open();
      const key = newObjectKey(cluster, "compacted");
      await store.put(key, Buffer.from("first"));
      await store.put(key, Buffer.from("second version"));
      expect((await store.get(key)).toString()).toBe("second version");
    });

    it("lists by prefix in key order, across more than one page, and deletes", async () => {
      const store = open();
      const listCluster = `${cluster}-list`;
      const keys: string[] = [];
      for (let i = 0; i < 1005; i++) keys.push(newObjectKey(listCluster, "flush"));
      const other = newObjectKey(listCluster, "compacted");
      // In waves: a flood of 1005 simultaneous connections is not what this test is about.
      for (let i = 0; i < keys.length; i += 25) {
        await Promise.all(keys.slice(i, i + 25).map((k) => store.put(k, Buffer.from(k))));
      }
      await store.put(other, Buffer.from("x"));

      const listed: string[] = [];
      for await (const info of store.list(`${listCluster}/flush/`)) {
        listed.push(info.key);
        if (info.key === keys[0]) expect(info.size).toBe(Buffer.byteLength(keys[0]));
      }
      expect(listed).toEqual([...keys].sort());

      await store.delete([...keys, `${listCluster}/flush/does-not-exist`]);
      const after: string[] = [];
      for await (const info of store.list(`${listCluster}/`)) after.push(info.key);
      expect(after).toEqual([other]);
      await store.delete([other]);
    });

    it("reads concurrently while writing", async () => {
      const store = open();
      const body = randomBytes(256 * 1024);
      const keys = Array.from({ length: 8 }, () => newObjectKey(cluster, "flush"));
      await Promise.all(
        keys.map((k) => store.put(k, [body.subarray(0, 1000), body.subarray(1000)])),
      );
      const reads = await Promise.all(
        keys.map((k, i) => store.getRange(k, i * 1000, i * 1000 + 5000)),
      );
      reads.forEach((r, i) =>
        expect(r.equals(body.subarray(i * 1000, i * 1000 + 5000))).toBe(true),
      );
    });
  });
}
