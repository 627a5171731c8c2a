import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LocalDirObjectStore } from "../../src/storage/local-dir.ts";
import type { ObjectStore } from "../../src/storage/object-store.ts";
import { openObjectStore } from "../../src/storage/open-object-store.ts";
import { objectStoreContract } from "./object-store-contract.ts";

let root: string;
let store: ObjectStore;

beforeAll(async () => {
  root = await mkdtemp(path.join(tmpdir(), "streambed-local-store-"));
  store = openObjectStore(pathToFileURL(root).href);
});

afterAll(async () => {
  await store.close();
  await rm(root, { recursive: true, force: true });
});

objectStoreContract("local directory", () => store);

describe("LocalDirObjectStore", () => {
  it("is what a file:// bucket URL opens", () => {
    expect(store).toBeInstanceOf(LocalDirObjectStore);
    expect(store.location).toBe(pathToFileURL(root).href);
  });

  it("leaves no temp files behind and rejects keys escaping the root", async () => {
    await store.put("c1/flush/01ABC", Buffer.from("x"));
    expect(await readdir(path.join(root, "c1", "flush"))).toEqual(["01ABC"]);
    await expect(store.put("../escape", Buffer.from("x"))).rejects.toThrow(/invalid object key/);
    await expect(store.get("c1//flush")).rejects.toThrow(/invalid object key/);
  });
});
