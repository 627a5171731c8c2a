import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import {
  ApiKey,
  buildRecordBatch,
  defaultApiVersionsRequest,
  defaultProduceRequest,
  type ApiVersionsResponse,
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
  agent = await startTestAgent({
    databaseUrl: db.url,
    bucketUrl: bucket.url,
    clusterId: "limits",
    extra: [
      "--max-connections",
      "3",
      "--max-buffered-produce-bytes",
      "1000",
      "--batch-timeout-ms",
      "300",
    ],
  });
  await createTopic(agent.bootstrap, "limited", 1);
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

async function objectPuts(): Promise<number> {
  const text = await agent.metrics.registry.getSingleMetricAsString(
    "streambed_object_requests_total",
  );
  const line = text
    .split("\n")
    .find((l) => l.startsWith('streambed_object_requests_total{op="put"}'));
  return line ? Number(line.split(" ")[1]) : 0;
}

describe("limits", () => {
  it("stops reading a connection while the produce buffer is over its bound", async () => {
    const client = await connect();
    const records = await buildRecordBatch({ records: [{ value: Buffer.alloc(2000, 1) }] });
    const request = {
      ...defaultProduceRequest(),
      acks: -1,
      timeoutMs: 30_000,
      topicData: [{ name: "limited", partitionData: [{ index: 0, records }] }],
    };
    const before = await objectPuts();
    const first = client.request<ProduceResponse>(ApiKey.Produce, 9, request);
    await new Promise((resolve) => setTimeout(resolve, 50));
    // Read only once the first flush released the buffer: it goes into an object of its own.
    const second = client.request<ProduceResponse>(ApiKey.Produce, 9, request);
    const offsets = (await Promise.all([first, second])).map(
      (r) => r.responses[0]!.partitionResponses[0]!.baseOffset,
    );
    expect(offsets).toEqual([0n, 1n]);
    expect((await objectPuts()) - before).toBe(2);
  });

  it("refuses connections beyond --max-connections", async () => {
    const open = [await connect(), await connect()];
    const refused = await connect();
    await refused.closed;
    const answer = await open[1]!.request<ApiVersionsResponse>(
      ApiKey.ApiVersions,
      3,
      defaultApiVersionsRequest(),
    );
    expect(answer.errorCode).toBe(0);
  });
});
