import { createServer, type Socket } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ObjectStore } from "../../src/storage/object-store.ts";
import { BucketUrlError, openObjectStore } from "../../src/storage/open-object-store.ts";
import { S3ObjectStore } from "../../src/storage/s3.ts";
import { objectStoreContract } from "./object-store-contract.ts";
import { startS3Server, type S3TestServer } from "./s3-server.ts";

let server: S3TestServer;
let store: ObjectStore;

beforeAll(async () => {
  server = await startS3Server();
  store = openObjectStore(server.bucketUrl("tenant-a/data"), { s3Credentials: server.credentials });
});

afterAll(async () => {
  await store?.close();
  await server?.stop();
});

objectStoreContract("S3 (s3rver)", () => store);

describe("S3ObjectStore", () => {
  it("is what an s3:// bucket URL opens, and keeps objects under the URL's prefix", async () => {
    expect(store).toBeInstanceOf(S3ObjectStore);
    expect(store.location).toBe(`s3://${server.bucket}/tenant-a/data`);
    await store.put("c1/flush/01PREFIXED", Buffer.from("x"));
    const root = openObjectStore(server.bucketUrl(), { s3Credentials: server.credentials });
    try {
      expect(await root.head("tenant-a/data/c1/flush/01PREFIXED")).toEqual({
        key: "tenant-a/data/c1/flush/01PREFIXED",
        size: 1,
      });
    } finally {
      await root.close();
    }
  });

  it("fails requests to an endpoint that accepts connections but never answers, within its timeout", async () => {
    const sockets: Socket[] = [];
    const stalled = createServer((socket) => sockets.push(socket));
    await new Promise<void>((resolve) => stalled.listen(0, "127.0.0.1", resolve));
    const { port } = stalled.address() as { port: number };
    const hung = new S3ObjectStore({
      bucket: "b",
      prefix: "",
      endpoint: `http://127.0.0.1:${port}`,
      region: "us-east-1",
      forcePathStyle: true,
      credentials: server.credentials,
      requestTimeoutMs: 300,
    });
    try {
      const started = performance.now();
      await expect(hung.put("c/flush/x", Buffer.from("x"))).rejects.toThrow();
      expect(performance.now() - started).toBeLessThan(10_000);
    } finally {
      await hung.close();
      for (const s of sockets) s.destroy();
      await new Promise((resolve) => stalled.close(resolve));
    }
  });

  it("rejects bucket URLs it cannot open", () => {
    expect(() => openObjectStore("ftp://x/y")).toThrow(BucketUrlError);
    expect(() => openObjectStore("not a url")).toThrow(BucketUrlError);
  });
});
