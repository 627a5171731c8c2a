import net from "node:net";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import {
  ApiKey,
  ErrorCode,
  buildRecordBatch,
  defaultFetchRequest,
  defaultProduceRequest,
  records,
  splitBatches,
  type CompressionType,
  type FetchResponse,
  type ProduceResponse,
} from "@streambed/protocol";
import { createTestDatabase, type TestDatabase } from "@streambed/db/testing";
import { createTopic } from "../support/kafkajs-admin.ts";
import { RawKafkaClient } from "../support/raw-kafka-client.ts";
import { startTestAgent, tempBucket, type TestAgent } from "../support/test-agents.ts";

const MiB = 1024 * 1024;

let db: TestDatabase;
let bucket: Awaited<ReturnType<typeof tempBucket>>;
let agent: TestAgent;
const clients: RawKafkaClient[] = [];

beforeAll(async () => {
  db = await createTestDatabase(inject("postgresAdminUrl"));
  bucket = await tempBucket();
  agent = await startTestAgent({
    databaseUrl: db.url,
    bucketUrl: bucket.url,
    clusterId: "produce-correctness",
    extra: ["--max-uncompressed-batch-bytes", String(MiB)],
  });
});

afterAll(async () => {
  for (const c of clients) c.close();
  await agent?.stop();
  await db?.drop();
  await bucket?.remove();
});

async function connect(bootstrap = agent.bootstrap): Promise<RawKafkaClient> {
  const client = await RawKafkaClient.connect(bootstrap);
  clients.push(client);
  return client;
}

async function produce(
  client: RawKafkaClient,
  topic: string,
  batch: Buffer,
  timeoutMs = 30_000,
): Promise<ProduceResponse["responses"][number]["partitionResponses"][number]> {
  const response = await client.request<ProduceResponse>(ApiKey.Produce, 9, {
    ...defaultProduceRequest(),
    acks: -1,
    timeoutMs,
    topicData: [{ name: topic, partitionData: [{ index: 0, records: batch }] }],
  });
  return response.responses[0]!.partitionResponses[0]!;
}

async function fetchBatches(client: RawKafkaClient, topic: string) {
  const response = await client.request<FetchResponse>(ApiKey.Fetch, 11, {
    ...defaultFetchRequest(),
    replicaId: -1,
    maxWaitMs: 0,
    minBytes: 0,
    maxBytes: 10 * MiB,
    sessionEpoch: -1,
    topics: [
      {
        topic,
        topicId: "",
        partitions: [
          {
            partition: 0,
            currentLeaderEpoch: -1,
            fetchOffset: 0n,
            lastFetchedEpoch: -1,
            logStartOffset: -1n,
            partitionMaxBytes: 10 * MiB,
            replicaDirectoryId: "",
          },
        ],
      },
    ],
  });
  return splitBatches(response.responses[0]!.partitions[0]!.records!).batches;
}

const values = (label: string) => ["a", "b", "c"].map((v) => Buffer.from(`${label}-${v}`));

describe("Produce correctness", () => {
  it("refuses decompression bombs with RECORD_LIST_TOO_LARGE and keeps the connection", async () => {
    await createTopic(agent.bootstrap, "bombs", 1);
    const client = await connect();
    for (const compression of ["gzip", "zstd", "lz4", "snappy"] as const) {
      // 16 MiB of zeros in a batch of a few KiB.
      const bomb = await buildRecordBatch({
        records: [{ value: Buffer.alloc(16 * MiB) }],
        compression,
      });
      expect(bomb.length).toBeLessThan(MiB);
      const refused = await produce(client, "bombs", bomb);
      expect(refused, compression).toMatchObject({
        errorCode: ErrorCode.RECORD_LIST_TOO_LARGE,
        errorMessage: expect.stringContaining("more than the agent's limit of 1048576"),
      });
    }
    const fine = await buildRecordBatch({
      records: [{ value: Buffer.alloc(100_000) }],
      compression: "zstd",
    });
    expect(await produce(client, "bombs", fine)).toMatchObject({
      errorCode: ErrorCode.NONE,
      baseOffset: 0n,
    });
  });

  it("stores batches in the topic's compression.type, recompressing what differs", async () => {
    const cases: [string, CompressionType, CompressionType][] = [
      ["producer", "gzip", "gzip"],
      ["lz4", "gzip", "lz4"],
      ["uncompressed", "snappy", "none"],
      ["zstd", "none", "zstd"],
      ["gzip", "gzip", "gzip"],
    ];
    const client = await connect();
    for (const [compressionType, sent, stored] of cases) {
      const topic = `compressed-${compressionType}-${sent}`;
      await createTopic(agent.bootstrap, topic, 1, [
        { name: "compression.type", value: compressionType },
      ]);
      const batch = await buildRecordBatch({
        records: values(topic).map((value, i) => ({ key: Buffer.from(`k${i}`), value })),
        compression: sent,
        firstTimestamp: 1_700_000_000_000,
      });
      expect(await produce(client, topic, batch)).toMatchObject({ errorCode: ErrorCode.NONE });
      const [fetched, ...rest] = await fetchBatches(client, topic);
      expect(rest).toEqual([]);
      expect(fetched!.header).toMatchObject({
        compression: stored,
        recordCount: 3,
        firstTimestamp: 1_700_000_000_000n,
      });
      const read = [];
      for await (const r of records(fetched!)) read.push([r.key?.toString(), r.value?.toString()]);
      expect(read, compressionType).toEqual(values(topic).map((v, i) => [`k${i}`, v.toString()]));
    }
  });

  it("refuses records outside message.timestamp.before/after.max.ms with INVALID_TIMESTAMP", async () => {
    await createTopic(agent.bootstrap, "recent-only", 1, [
      { name: "message.timestamp.before.max.ms", value: "3600000" },
      { name: "message.timestamp.after.max.ms", value: "60000" },
    ]);
    const client = await connect();
    const at = (timestamp: number) =>
      buildRecordBatch({ records: [{ value: Buffer.from("x"), timestamp }] });
    const now = Date.now();
    expect(await produce(client, "recent-only", await at(now - 2 * 3600_000))).toMatchObject({
      errorCode: ErrorCode.INVALID_TIMESTAMP,
    });
    expect(await produce(client, "recent-only", await at(now + 600_000))).toMatchObject({
      errorCode: ErrorCode.INVALID_TIMESTAMP,
    });
    expect(await produce(client, "recent-only", await at(now))).toMatchObject({
      errorCode: ErrorCode.NONE,
      baseOffset: 0n,
    });
  });

  it("answers REQUEST_TIMED_OUT when the object store stalls past timeout_ms", async () => {
    // An S3 endpoint that accepts connections and never answers.
    const stalled = new Set<net.Socket>();
    const server = net.createServer((socket) => stalled.add(socket));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const port = (server.address() as net.AddressInfo).port;
    process.env.AWS_ACCESS_KEY_ID ??= "test";
    process.env.AWS_SECRET_ACCESS_KEY ??= "test";
    const stuck = await startTestAgent({
      databaseUrl: db.url,
      bucketUrl: `s3://stalled?endpoint=http://127.0.0.1:${port}&forcePathStyle=true`,
      clusterId: "produce-correctness",
      extra: ["--batch-timeout-ms", "10"],
    });
    try {
      await createTopic(stuck.bootstrap, "stalled", 1);
      const client = await connect(stuck.bootstrap);
      const batch = await buildRecordBatch({ records: [{ value: Buffer.from("late") }] });
      const started = Date.now();
      expect(await produce(client, "stalled", batch, 500)).toMatchObject({
        errorCode: ErrorCode.REQUEST_TIMED_OUT,
      });
      expect(Date.now() - started).toBeGreaterThanOrEqual(500);
      expect(Date.now() - started).toBeLessThan(5000);
      expect(stalled.size).toBeGreaterThan(0);
    } finally {
      // The PUTs fail once their connections go, so the agent can stop.
      const stopping = stuck.stop();
      for (const socket of stalled) socket.destroy();
      server.close();
      await stopping;
    }
  });
});
