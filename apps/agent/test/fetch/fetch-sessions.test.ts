import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import {
  ApiKey,
  ErrorCode,
  buildRecordBatch,
  defaultFetchRequest,
  defaultProduceRequest,
  type FetchRequest,
  type FetchResponse,
  type ProduceResponse,
} from "@streambed/protocol";
import { createTestDatabase, type TestDatabase } from "@streambed/db/testing";
import { createTopic } from "../support/kafkajs-admin.ts";
import { RawKafkaClient } from "../support/raw-kafka-client.ts";
import { runClient } from "../support/run-client.ts";
import { startTestAgent, tempBucket, type TestAgent } from "../support/test-agents.ts";

let db: TestDatabase;
let bucket: Awaited<ReturnType<typeof tempBucket>>;
let agent: TestAgent;
let client: RawKafkaClient;

beforeAll(async () => {
  db = await createTestDatabase(inject("postgresAdminUrl"));
  bucket = await tempBucket();
  agent = await startTestAgent({
    databaseUrl: db.url,
    bucketUrl: bucket.url,
    clusterId: "sessions",
    extra: ["--fetch-session-cache-slots", "2"],
  });
  await createTopic(agent.bootstrap, "sessioned", 3);
  await createTopic(agent.bootstrap, "other", 1);
  client = await RawKafkaClient.connect(agent.bootstrap);
});

afterAll(async () => {
  client?.close();
  await agent?.stop();
  await db?.drop();
  await bucket?.remove();
});

async function produce(topic: string, partition: number, value: string): Promise<void> {
  const response = await client.request<ProduceResponse>(ApiKey.Produce, 9, {
    ...defaultProduceRequest(),
    acks: -1,
    timeoutMs: 10_000,
    topicData: [
      {
        name: topic,
        partitionData: [
          {
            index: partition,
            records: await buildRecordBatch({ records: [{ value: Buffer.from(value) }] }),
          },
        ],
      },
    ],
  });
  expect(response.responses[0]!.partitionResponses[0]!.errorCode).toBe(ErrorCode.NONE);
}

const fetchPartition = (partition: number, fetchOffset = 0n) => ({
  partition,
  currentLeaderEpoch: -1,
  fetchOffset,
  lastFetchedEpoch: -1,
  logStartOffset: -1n,
  partitionMaxBytes: 1 << 20,
  replicaDirectoryId: "",
});

function fetch(
  sessionId: number,
  sessionEpoch: number,
  topics: FetchRequest["topics"] = [],
  forgottenTopicsData: FetchRequest["forgottenTopicsData"] = [],
): Promise<FetchResponse> {
  return client.request<FetchResponse>(ApiKey.Fetch, 12, {
    ...defaultFetchRequest(),
    replicaId: -1,
    maxWaitMs: 50,
    minBytes: 1,
    maxBytes: 1 << 20,
    sessionId,
    sessionEpoch,
    topics,
    forgottenTopicsData,
  });
}

/** [topic, partition, highWatermark, record bytes > 0] of each partition in a response. */
function answered(response: FetchResponse) {
  return response.responses.flatMap((t) =>
    t.partitions.map((p) => [t.topic, p.partitionIndex, p.highWatermark, p.records!.length > 0]),
  );
}

const everyPartition = [
  { topic: "sessioned", topicId: "", partitions: [0, 1, 2].map((p) => fetchPartition(p)) },
];

describe("incremental fetch sessions (KIP-227)", () => {
  it("answers only what changed, takes moved positions and forgets topics", async () => {
    await produce("sessioned", 0, "a");
    const full = await fetch(0, 0, everyPartition);
    expect(full.errorCode).toBe(ErrorCode.NONE);
    expect(full.sessionId).toBeGreaterThan(0);
    expect(answered(full)).toEqual([
      ["sessioned", 0, 1n, true],
      ["sessioned", 1, 0n, false],
      ["sessioned", 2, 0n, false],
    ]);
    const id = full.sessionId;

    // The client moves partition 0 past what it read: nothing changed anywhere.
    const idle = await fetch(id, 1, [
      { topic: "sessioned", topicId: "", partitions: [fetchPartition(0, 1n)] },
    ]);
    expect(idle).toMatchObject({ errorCode: ErrorCode.NONE, sessionId: id, responses: [] });

    await produce("sessioned", 2, "b");
    expect(answered(await fetch(id, 2))).toEqual([["sessioned", 2, 1n, true]]);

    // Adding a topic to the session, forgetting partition 2.
    await produce("other", 0, "c");
    await produce("sessioned", 2, "d");
    const grown = await fetch(
      id,
      3,
      [{ topic: "other", topicId: "", partitions: [fetchPartition(0)] }],
      [{ topic: "sessioned", topicId: "", partitions: [2] }],
    );
    expect(answered(grown)).toEqual([["other", 0, 1n, true]]);

    // Closing the session (epoch -1) fetches without one; the id is gone afterwards.
    const closed = await fetch(id, -1, everyPartition);
    expect(closed).toMatchObject({ errorCode: ErrorCode.NONE, sessionId: 0 });
    expect(answered(closed)).toHaveLength(3);
    expect(await fetch(id, 4)).toMatchObject({
      errorCode: ErrorCode.FETCH_SESSION_ID_NOT_FOUND,
      responses: [],
    });
  });

  it("refuses unknown sessions and wrong epochs, and evicts when the cache is full", async () => {
    expect((await fetch(123456, 1)).errorCode).toBe(ErrorCode.FETCH_SESSION_ID_NOT_FOUND);

    const first = (await fetch(0, 0, everyPartition)).sessionId;
    expect((await fetch(first, 5)).errorCode).toBe(ErrorCode.INVALID_FETCH_SESSION_EPOCH);
    // A wrong epoch does not break the session.
    expect((await fetch(first, 1)).errorCode).toBe(ErrorCode.NONE);

    // Two slots: a second session fits; a third, smaller and with both in use, gets none.
    const second = (await fetch(0, 0, everyPartition)).sessionId;
    expect(second).toBeGreaterThan(0);
    const small = [{ topic: "other", topicId: "", partitions: [fetchPartition(0)] }];
    expect((await fetch(0, 0, small)).sessionId).toBe(0);
    // A larger one evicts the least recently used session (the first).
    const larger = [...everyPartition, ...small];
    expect((await fetch(0, 0, larger)).sessionId).toBeGreaterThan(0);
    expect((await fetch(first, 2)).errorCode).toBe(ErrorCode.FETCH_SESSION_ID_NOT_FOUND);
    expect((await fetch(second, 1)).errorCode).toBe(ErrorCode.NONE);
  });

  it("still serves clients that fetch without sessions (librdkafka via kcat)", async () => {
    const out = await runClient(
      "kcat",
      [
        "-b",
        agent.bootstrap,
        "-C",
        "-t",
        "sessioned",
        "-o",
        "beginning",
        "-e",
        "-q",
        "-f",
        "%p:%s\\n",
      ],
      { timeoutMs: 30_000 },
    );
    expect(out.trim().split("\n").sort()).toEqual(["0:a", "2:b", "2:d"]);
  });
});
