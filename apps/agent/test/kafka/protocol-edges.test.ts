import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import {
  ApiKey,
  ErrorCode,
  apis,
  buildRecordBatch,
  encodeRequestFrame,
  records,
  splitBatches,
  verifyBatchCrc,
  defaultApiVersionsRequest,
  defaultDescribeDelegationTokenRequest,
  defaultFetchRequest,
  defaultListOffsetsRequest,
  defaultProduceRequest,
  type ApiVersionsResponse,
  type DescribeDelegationTokenResponse,
  type FetchResponse,
  type ListOffsetsResponse,
  type ProduceResponse,
} from "@streambed/protocol";
import { createTestDatabase, type TestDatabase } from "@streambed/db/testing";
import { createTopic } from "../support/kafkajs-admin.ts";
import { RawKafkaClient } from "../support/raw-kafka-client.ts";
import { startTestAgent, tempBucket, type TestAgent } from "../support/test-agents.ts";

let db: TestDatabase;
let bucket: Awaited<ReturnType<typeof tempBucket>>;
let agent: TestAgent;
const clients: RawKafkaClient[] = [];

beforeAll(async () => {
  db = await createTestDatabase(inject("postgresAdminUrl"));
  bucket = await tempBucket();
  agent = await startTestAgent({ databaseUrl: db.url, bucketUrl: bucket.url, clusterId: "edges" });
  await createTopic(agent.bootstrap, "edges", 2, [{ name: "max.message.bytes", value: "2000000" }]);
});

afterAll(async () => {
  for (const c of clients) c.close();
  await agent?.stop();
  await db?.drop();
  await bucket?.remove();
});

async function connect(): Promise<RawKafkaClient> {
  const client = await RawKafkaClient.connect(agent.bootstrap);
  clients.push(client);
  return client;
}

function produceRequest(
  topic: string,
  partitions: { index: number; records: Buffer }[],
  acks = -1,
) {
  return {
    ...defaultProduceRequest(),
    acks,
    timeoutMs: 30_000,
    topicData: [{ name: topic, partitionData: partitions }],
  };
}

async function batch(values: string[]): Promise<Buffer> {
  return buildRecordBatch({ records: values.map((v) => ({ value: Buffer.from(v) })) });
}

async function latestOffset(
  client: RawKafkaClient,
  topic: string,
  partition: number,
): Promise<bigint> {
  const response = await client.request<ListOffsetsResponse>(ApiKey.ListOffsets, 7, {
    ...defaultListOffsetsRequest(),
    replicaId: -1,
    topics: [
      {
        name: topic,
        partitions: [
          { partitionIndex: partition, currentLeaderEpoch: -1, timestamp: -1n, maxNumOffsets: 1 },
        ],
      },
    ],
  });
  return response.topics[0]!.partitions[0]!.offset;
}

function counter(text: string, series: string): number {
  const line = text.split("\n").find((l) => l.startsWith(series + " "));
  return line ? Number(line.split(" ")[1]) : 0;
}

describe("versions", () => {
  it("answers an ApiVersions version it does not know in the v0 format, listing what it serves", async () => {
    const client = await connect();
    const response = await client.request<ApiVersionsResponse>(
      ApiKey.ApiVersions,
      9,
      defaultApiVersionsRequest(),
      0,
    );
    expect(response.errorCode).toBe(ErrorCode.UNSUPPORTED_VERSION);
    const produce = response.apiKeys.find((k) => k.apiKey === ApiKey.Produce);
    expect(produce).toMatchObject({ minVersion: 0, maxVersion: 11 });
    expect(response.apiKeys.find((k) => k.apiKey === ApiKey.Fetch)).toMatchObject({
      minVersion: 4,
    });
    expect(response.apiKeys.some((k) => k.apiKey === ApiKey.LeaderAndIsr)).toBe(false);
  });

  it("refuses Produce v2 (before magic 2) with UNSUPPORTED_VERSION but keeps the connection", async () => {
    const client = await connect();
    const response = await client.request<ProduceResponse>(
      ApiKey.Produce,
      2,
      produceRequest("edges", [{ index: 0, records: await batch(["old"]) }]),
    );
    expect(response.responses[0]!.partitionResponses[0]!.errorCode).toBe(
      ErrorCode.UNSUPPORTED_VERSION,
    );
    const again = await client.request<ApiVersionsResponse>(
      ApiKey.ApiVersions,
      3,
      defaultApiVersionsRequest(),
    );
    expect(again.errorCode).toBe(0);
  });
});

describe("connections", () => {
  it("closes only the connection that sent a malformed frame or an unknown API", async () => {
    const healthy = await connect();
    const broken = await connect();
    broken.writeRaw(Buffer.from([0xff, 0xff, 0xff, 0xf0, 1, 2, 3]));
    await broken.closed;
    const unknownApi = await connect();
    const frame = Buffer.alloc(14);
    frame.writeInt32BE(10, 0);
    frame.writeInt16BE(999, 4);
    frame.writeInt16BE(0, 6);
    frame.writeInt32BE(1, 8);
    frame.writeInt16BE(-1, 12);
    unknownApi.writeRaw(frame);
    await unknownApi.closed;
    const response = await healthy.request<ApiVersionsResponse>(
      ApiKey.ApiVersions,
      3,
      defaultApiVersionsRequest(),
    );
    expect(response.errorCode).toBe(0);
  });

  it("answers an API it does not serve with UNSUPPORTED_VERSION where the response has an error code", async () => {
    const client = await connect();
    const response = await client.request<DescribeDelegationTokenResponse>(
      ApiKey.DescribeDelegationToken,
      1,
      defaultDescribeDelegationTokenRequest(),
    );
    expect(response.errorCode).toBe(ErrorCode.UNSUPPORTED_VERSION);
    const versions = await client.request<ApiVersionsResponse>(
      ApiKey.ApiVersions,
      3,
      defaultApiVersionsRequest(),
    );
    expect(versions.apiKeys.some((k) => k.apiKey === ApiKey.DescribeDelegationToken)).toBe(false);
  });

  it("answers pipelined requests in request order even when a long poll finishes last", async () => {
    const client = await connect();
    const order: string[] = [];
    const fetch = client
      .request<FetchResponse>(ApiKey.Fetch, 11, {
        ...defaultFetchRequest(),
        replicaId: -1,
        maxWaitMs: 700,
        minBytes: 1,
        maxBytes: 1 << 20,
        sessionEpoch: -1,
        topics: [
          {
            topic: "edges",
            topicId: "",
            partitions: [
              {
                partition: 1,
                currentLeaderEpoch: -1,
                fetchOffset: 0n,
                lastFetchedEpoch: -1,
                logStartOffset: -1n,
                partitionMaxBytes: 1 << 20,
                replicaDirectoryId: "",
              },
            ],
          },
        ],
      })
      .then((r) => {
        order.push("fetch");
        return r;
      });
    const versions = client
      .request<ApiVersionsResponse>(ApiKey.ApiVersions, 3, defaultApiVersionsRequest())
      .then(() => order.push("api-versions"));
    const started = Date.now();
    const [fetched] = await Promise.all([fetch, versions]);
    expect(order).toEqual(["fetch", "api-versions"]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(600);
    expect(fetched.responses[0]!.partitions[0]!.errorCode).toBe(0);
  });

  it("sends nothing back for acks=0 and still stores the records", async () => {
    const client = await connect();
    const before = await latestOffset(client, "edges", 1);
    client.send(
      ApiKey.Produce,
      9,
      produceRequest("edges", [{ index: 1, records: await batch(["fire", "and", "forget"]) }], 0),
    );
    // The next response on the connection belongs to the next request.
    const versions = await client.request<ApiVersionsResponse>(
      ApiKey.ApiVersions,
      3,
      defaultApiVersionsRequest(),
    );
    expect(versions.errorCode).toBe(0);
    await expect.poll(() => latestOffset(client, "edges", 1), { timeout: 5000 }).toBe(before + 3n);
  });
});

describe("produce frame memory", () => {
  it("reuses a Produce frame's memory only once its records are stored (acks=0 and acks=all)", async () => {
    await createTopic(agent.bootstrap, "pooled", 1);
    const client = await connect();
    // Frames of ~200 KiB arrive over many socket reads, so they are assembled in pooled memory;
    // sent back to back, each would overwrite the previous one if it went back too early.
    const fills = Array.from({ length: 24 }, (_, i) => i + 1);
    const batches = await Promise.all(
      fills.map((fill) => buildRecordBatch({ records: [{ value: Buffer.alloc(200_000, fill) }] })),
    );
    const acknowledged: Promise<ProduceResponse>[] = [];
    fills.forEach((fill, i) => {
      const request = produceRequest(
        "pooled",
        [{ index: 0, records: batches[i]! }],
        fill % 2 === 0 ? 0 : -1,
      );
      if (request.acks === 0) client.send(ApiKey.Produce, 9, request);
      else acknowledged.push(client.request<ProduceResponse>(ApiKey.Produce, 9, request));
    });
    for (const response of await Promise.all(acknowledged))
      expect(response.responses[0]!.partitionResponses[0]!.errorCode).toBe(0);
    await expect
      .poll(() => latestOffset(client, "pooled", 0), { timeout: 5000 })
      .toBe(BigInt(fills.length));

    const stored: number[] = [];
    while (stored.length < fills.length) {
      const fetched = await client.request<FetchResponse>(ApiKey.Fetch, 11, {
        ...defaultFetchRequest(),
        replicaId: -1,
        maxWaitMs: 100,
        minBytes: 1,
        maxBytes: 50 << 20,
        sessionEpoch: -1,
        topics: [
          {
            topic: "pooled",
            topicId: "",
            partitions: [
              {
                partition: 0,
                currentLeaderEpoch: -1,
                fetchOffset: BigInt(stored.length),
                lastFetchedEpoch: -1,
                logStartOffset: -1n,
                partitionMaxBytes: 50 << 20,
                replicaDirectoryId: "",
              },
            ],
          },
        ],
      });
      for (const view of splitBatches(fetched.responses[0]!.partitions[0]!.records!).batches) {
        expect(verifyBatchCrc(view.bytes)).toBe(true);
        for await (const record of records(view)) {
          const value = record.value!;
          expect(value.every((b) => b === value[0])).toBe(true);
          stored.push(value[0]!);
        }
      }
    }
    // acks=0 requests on one connection are stored in the order sent, like the others.
    expect(stored).toEqual(fills);
  });

  it("gets every lent frame back, also from a connection that closes mid-frame", async () => {
    const lent = async () =>
      counter(
        await agent.metrics.registry.getSingleMetricAsString("streambed_produce_memory_bytes"),
        'streambed_produce_memory_bytes{kind="frames_lent"}',
      );
    const client = await connect();
    const records = await buildRecordBatch({ records: [{ value: Buffer.alloc(300_000, 1) }] });
    const frame = encodeRequestFrame(
      { requestApiKey: ApiKey.Produce, requestApiVersion: 9, correlationId: 1, clientId: "cut" },
      apis[ApiKey.Produce]!.encodeRequest,
      produceRequest("pooled", [{ index: 0, records }]),
    );
    client.writeRaw(frame.subarray(0, 200_000));
    await expect.poll(lent, { timeout: 5000 }).toBeGreaterThan(0);
    client.close();
    await expect.poll(lent, { timeout: 5000 }).toBe(0);
  });
});

describe("produce validation", () => {
  it("rejects a corrupted CRC, oversized batches and unknown partitions per partition", async () => {
    const client = await connect();
    const corrupt = await batch(["a", "b"]);
    corrupt.writeUInt8(corrupt.readUInt8(corrupt.length - 1) ^ 0xff, corrupt.length - 1);
    const tooLarge = await buildRecordBatch({ records: [{ value: Buffer.alloc(2_100_000, 1) }] });
    const response = await client.request<ProduceResponse>(ApiKey.Produce, 9, {
      ...defaultProduceRequest(),
      acks: -1,
      timeoutMs: 30_000,
      topicData: [
        {
          name: "edges",
          partitionData: [
            { index: 0, records: corrupt },
            { index: 1, records: tooLarge },
            { index: 7, records: await batch(["x"]) },
          ],
        },
      ],
    });
    const codes = response.responses.flatMap((t) => t.partitionResponses.map((p) => p.errorCode));
    expect(codes).toEqual([
      ErrorCode.CORRUPT_MESSAGE,
      ErrorCode.MESSAGE_TOO_LARGE,
      ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
    ]);
  });

  it("accepts a batch just under max.message.bytes and reads it back whole", async () => {
    const client = await connect();
    const big = await buildRecordBatch({ records: [{ value: Buffer.alloc(1_999_000, 7) }] });
    expect(big.length).toBeLessThan(2_000_000);
    const produced = await client.request<ProduceResponse>(
      ApiKey.Produce,
      9,
      produceRequest("edges", [{ index: 0, records: big }]),
    );
    const partition = produced.responses[0]!.partitionResponses[0]!;
    expect(partition.errorCode).toBe(0);
    const fetched = await client.request<FetchResponse>(ApiKey.Fetch, 11, {
      ...defaultFetchRequest(),
      replicaId: -1,
      maxWaitMs: 100,
      minBytes: 1,
      maxBytes: 1024,
      sessionEpoch: -1,
      topics: [
        {
          topic: "edges",
          topicId: "",
          partitions: [
            {
              partition: 0,
              currentLeaderEpoch: -1,
              fetchOffset: partition.baseOffset,
              lastFetchedEpoch: -1,
              logStartOffset: -1n,
              partitionMaxBytes: 1024,
              replicaDirectoryId: "",
            },
          ],
        },
      ],
    });
    // max_bytes is smaller than the batch: the first batch still comes whole.
    expect(fetched.responses[0]!.partitions[0]!.records!.length).toBe(big.length);
  });
});

describe("one flush, many partitions", () => {
  it("writes 1000 partitions of one request into a single object", async () => {
    await createTopic(agent.bootstrap, "wide", 1000);
    const client = await connect();
    const records = await batch(["same"]);
    const puts = () =>
      agent.metrics.registry
        .getSingleMetricAsString("streambed_object_requests_total")
        .then((t) => counter(t, 'streambed_object_requests_total{op="put"}'));
    const before = await puts();
    const response = await client.request<ProduceResponse>(
      ApiKey.Produce,
      9,
      produceRequest(
        "wide",
        Array.from({ length: 1000 }, (_, index) => ({ index, records })),
      ),
    );
    const partitions = response.responses[0]!.partitionResponses;
    expect(partitions.every((p) => p.errorCode === 0 && p.baseOffset === 0n)).toBe(true);
    expect((await puts()) - before).toBe(1);
  });
});

describe("HTTP port", () => {
  it("serves /healthz and /metrics", async () => {
    const health = await fetch(`http://127.0.0.1:${agent.httpPort}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({
      status: "ok",
      agentId: agent.id,
      metadataStore: { ok: true },
    });
    const metrics = await (await fetch(`http://127.0.0.1:${agent.httpPort}/metrics`)).text();
    expect(metrics).toContain(
      'streambed_kafka_requests_total{cluster_id="edges",api="Produce",error_code="0"}',
    );
    expect(metrics).toContain("# TYPE streambed_kafka_cluster_connections gauge");
    expect(metrics).toContain("streambed_flush_bytes_bucket");
    expect(metrics).toContain("streambed_kafka_connections");
    expect(metrics).toMatch(/^streambed_produce_memory_bytes\{kind="buffered"\} \d+$/m);
    expect(metrics).toMatch(/^streambed_produce_memory_bytes\{kind="frames_pooled"\} \d+$/m);
    expect((await fetch(`http://127.0.0.1:${agent.httpPort}/nope`)).status).toBe(404);
  });
});
