import net from "node:net";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import {
  ApiKey,
  defaultFetchRequest,
  defaultProduceRequest,
  type FetchResponse,
  type ProduceResponse,
} from "@streambed/protocol";
import { createPgPool } from "@streambed/db";
import { createTestDatabase, type TestDatabase } from "@streambed/db/testing";
import { blockOwner } from "../../src/cluster/ownership.ts";
import { DEFAULT_BLOCK_SIZE } from "../../src/fetch/block-cache.ts";
import { PostgresMetadataStore } from "../../src/metadata/postgres/postgres-metadata-store.ts";
import { LocalDirObjectStore } from "../../src/storage/local-dir.ts";
import type { ObjectInfo } from "../../src/storage/object-store.ts";
import { createTopic } from "../support/kafkajs-admin.ts";
import { RawKafkaClient } from "../support/raw-kafka-client.ts";
import { batchOf, batchOffsets } from "../support/record-batches.ts";
import { PEER_TOKEN_SECRET } from "../../src/http/peer-block-route.ts";
import { startTestAgent, tempBucket, type TestAgent } from "../support/test-agents.ts";

// Three agents of one zone over one local-directory bucket: each block is read from the object
// store by its owner only, and a fetch survives an owner that is down.
const clusterId = "peers";
let db: TestDatabase;
let bucket: Awaited<ReturnType<typeof tempBucket>>;
let pool: ReturnType<typeof createPgPool>;
let metadata: PostgresMetadataStore;
let agents: TestAgent[] = [];
const clients: RawKafkaClient[] = [];

beforeAll(async () => {
  db = await createTestDatabase(inject("postgresAdminUrl"));
  bucket = await tempBucket();
  pool = createPgPool(db.url, { max: 2 });
  metadata = new PostgresMetadataStore({ pool });
  agents = await Promise.all(
    [0, 1, 2].map(() =>
      startTestAgent({
        databaseUrl: db.url,
        bucketUrl: bucket.url,
        clusterId,
        extra: ["--zone", "z1", "--batch-timeout-ms", "20"],
      }),
    ),
  );
  await createTopic(agents[0]!.bootstrap, "blocks", 1);
});

afterAll(async () => {
  for (const c of clients) c.close();
  await Promise.all(agents.map((a) => a.stop()));
  await metadata?.close();
  await pool?.end();
  await db?.drop();
  await bucket?.remove();
});

async function client(agent: TestAgent): Promise<RawKafkaClient> {
  const c = await RawKafkaClient.connect(agent.bootstrap);
  clients.push(c);
  return c;
}

/** Three objects of about 4.6 MiB (two blocks each), each one produce request of 5 batches. */
async function produceObjects(agent: TestAgent, label: string): Promise<ObjectInfo[]> {
  const before = new Set((await listObjects()).map((o) => o.key));
  const producer = await client(agent);
  for (let object = 0; object < 3; object++) {
    const batches = await Promise.all(
      Array.from({ length: 5 }, (_, b) => batchOf(`${label}-${object}-${b}`, 8, 120_000)),
    );
    const response = await producer.request<ProduceResponse>(ApiKey.Produce, 9, {
      ...defaultProduceRequest(),
      acks: -1,
      timeoutMs: 30_000,
      topicData: [
        { name: "blocks", partitionData: [{ index: 0, records: Buffer.concat(batches) }] },
      ],
    });
    expect(response.responses[0]!.partitionResponses[0]!.errorCode).toBe(0);
  }
  return (await listObjects()).filter((o) => !before.has(o.key));
}

/** The token the agents share, as they read it from the metadata store. */
async function peerToken(): Promise<string> {
  const { rows } = await db.pool.query<{ value: string }>(
    "SELECT value FROM deployment_secrets WHERE name = $1",
    [PEER_TOKEN_SECRET],
  );
  return rows[0]!.value;
}

async function listObjects(): Promise<ObjectInfo[]> {
  const store = new LocalDirObjectStore(bucket.dir);
  const objects: ObjectInfo[] = [];
  for await (const o of store.list(`${clusterId}/`)) objects.push(o);
  return objects;
}

const blocksOf = (objects: ObjectInfo[]) =>
  objects.reduce((n, o) => n + Math.ceil(o.size / DEFAULT_BLOCK_SIZE), 0);

/** Every record batch of partition 0 from `from` on, fetched through one agent. */
async function fetchThrough(agent: TestAgent, from: bigint): Promise<Buffer> {
  const reader = await client(agent);
  const pieces: Buffer[] = [];
  for (let offset = from; ;) {
    const response = await reader.request<FetchResponse>(ApiKey.Fetch, 11, {
      ...defaultFetchRequest(),
      replicaId: -1,
      maxWaitMs: 0,
      minBytes: 0,
      maxBytes: 64 << 20,
      sessionEpoch: -1,
      topics: [
        {
          topic: "blocks",
          topicId: "",
          partitions: [
            {
              partition: 0,
              currentLeaderEpoch: -1,
              fetchOffset: offset,
              lastFetchedEpoch: -1,
              logStartOffset: -1n,
              partitionMaxBytes: 64 << 20,
              replicaDirectoryId: "",
            },
          ],
        },
      ],
    });
    const partition = response.responses[0]!.partitions[0]!;
    expect(partition.errorCode).toBe(0);
    const records = partition.records ?? Buffer.alloc(0);
    if (records.length === 0) return Buffer.concat(pieces);
    pieces.push(records);
    const [base, count] = batchOffsets(records).at(-1)!;
    offset = base + BigInt(count);
    if (offset >= partition.highWatermark) return Buffer.concat(pieces);
  }
}

async function counterValue(
  agent: TestAgent,
  name: "objectRequests" | "peerBlocks",
  label: string,
): Promise<number> {
  const { values } = await agent.metrics[name].get();
  return values
    .filter((v) => Object.values(v.labels).includes(label))
    .reduce((n, v) => n + v.value, 0);
}

const total = async (name: "objectRequests" | "peerBlocks", label: string) =>
  (await Promise.all(agents.map((a) => counterValue(a, name, label)))).reduce((a, b) => a + b, 0);

/** A port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = net.createServer().listen(0, "127.0.0.1");
  await new Promise((resolve) => server.once("listening", resolve));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

const settleRegistries = () => new Promise((resolve) => setTimeout(resolve, 1100));

describe("peer block cache, three agents in one zone", () => {
  let offset = 0n;

  it("reads each block from the object store once, whichever agent consumers fetch through", async () => {
    const objects = await produceObjects(agents[0]!, "first");
    const blocks = blocksOf(objects);
    expect(blocks).toBe(6);
    await settleRegistries();
    expect(await total("objectRequests", "get")).toBe(0);

    const first = await fetchThrough(agents[0]!, 0n);
    expect(batchOffsets(first)).toHaveLength(15);
    expect(await total("objectRequests", "get")).toBe(blocks);
    for (const agent of agents.slice(1))
      expect((await fetchThrough(agent, 0n)).equals(first)).toBe(true);
    expect(await total("objectRequests", "get")).toBe(blocks);
    expect(await total("peerBlocks", "fetched")).toBeGreaterThan(0);
    expect(await total("peerBlocks", "served")).toBe(await total("peerBlocks", "fetched"));
    expect(await total("peerBlocks", "fallback")).toBe(0);
    const [base, count] = batchOffsets(first).at(-1)!;
    offset = base + BigInt(count);
  });

  it("reads the object store itself when the owner is registered but unreachable", async () => {
    const objects = await produceObjects(agents[0]!, "second");
    // A registered agent of the zone with nothing on its ports, made to own a block we read.
    const port = await closedPort();
    const live = await metadata.liveAgents(clusterId, 5000);
    // The owner is picked by position in id order, so try an id at each position.
    const ids = ["0", ...live.map((a) => `${a.id}-phantom`)];
    const phantom = ids
      .map((id) => ({ ...live[0]!, id, port, httpPort: port }))
      .find(
        (candidate) => blockOwner(objects[0]!.key, 0, [...live, candidate])?.id === candidate.id,
      )!;
    await metadata.registerAgent(phantom);
    try {
      await settleRegistries();
      const fallbacks = await total("peerBlocks", "fallback");
      const viaFirst = await fetchThrough(agents[1]!, offset);
      expect(batchOffsets(viaFirst)).toHaveLength(15);
      expect((await fetchThrough(agents[2]!, offset)).equals(viaFirst)).toBe(true);
      expect(await total("peerBlocks", "fallback")).toBeGreaterThan(fallbacks);
      const [base, count] = batchOffsets(viaFirst).at(-1)!;
      offset = base + BigInt(count);
    } finally {
      await metadata.deregisterAgent(phantom.id);
    }
  });

  it("keeps serving fetches when an owner agent stops", async () => {
    await settleRegistries();
    const objects = await produceObjects(agents[0]!, "third");
    const live = await metadata.liveAgents(clusterId, 5000);
    const ownerId = blockOwner(objects[0]!.key, 0, live)!.id;
    const owner = agents.find((a) => a.id === ownerId)!;
    agents = agents.filter((a) => a !== owner);
    await owner.stop();

    const viaFirst = await fetchThrough(agents[0]!, offset);
    expect(batchOffsets(viaFirst)).toHaveLength(15);
    expect((await fetchThrough(agents[1]!, offset)).equals(viaFirst)).toBe(true);
  });

  it("serves blocks only to agents of the deployment: no or a wrong peer token gets 401", async () => {
    const [object] = await listObjects();
    const query = `key=${encodeURIComponent(object!.key)}&block=0&size=${DEFAULT_BLOCK_SIZE}`;
    const url = `http://127.0.0.1:${agents[0]!.httpPort}/blocks?${query}`;
    expect((await fetch(url)).status).toBe(401);
    expect((await fetch(url, { headers: { authorization: "Bearer not-the-token" } })).status).toBe(
      401,
    );
    const response = await fetch(url, {
      headers: { authorization: `Bearer ${await peerToken()}` },
    });
    expect(response.status).toBe(200);
    expect((await response.arrayBuffer()).byteLength).toBeGreaterThan(0);
  });

  it("serves only object keys of its cluster on the block route", async () => {
    const token = await peerToken();
    const ask = async (query: string) =>
      (
        await fetch(`http://127.0.0.1:${agents[0]!.httpPort}/blocks?${query}`, {
          headers: { authorization: `Bearer ${token}` },
        })
      ).status;
    const [object] = await listObjects();
    expect(
      await ask(`key=${encodeURIComponent(object!.key)}&block=0&size=${DEFAULT_BLOCK_SIZE}`),
    ).toBe(200);
    expect(await ask(`key=${encodeURIComponent("../../etc/passwd")}&block=0`)).toBe(400);
    expect(
      await ask(`key=${encodeURIComponent(object!.key.replace(clusterId, "other"))}&block=0`),
    ).toBe(400);
    expect(await ask(`key=${encodeURIComponent(object!.key)}`)).toBe(400);
    expect(await ask(`key=${encodeURIComponent(object!.key)}&block=0&size=1024`)).toBe(400);
    expect(
      await ask(
        `key=${encodeURIComponent(`${clusterId}/flush/01M8BVSPDM3694235RENNJX9GA`)}&block=0`,
      ),
    ).toBe(404);
  });
});
