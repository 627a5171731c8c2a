import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { Admin as PlatformaticAdmin } from "@platformatic/kafka";
import {
  ApiKey,
  ErrorCode,
  defaultDescribeProducersRequest,
  defaultElectLeadersRequest,
  type DescribeProducersResponse,
  type ElectLeadersResponse,
} from "@streambed/protocol";
import { createTestDatabase, type TestDatabase } from "@streambed/db/testing";
import { createTopic, kafkaClient } from "../support/kafkajs-admin.ts";
import { RawKafkaClient } from "../support/raw-kafka-client.ts";
import { runPythonClient } from "../support/run-client.ts";
import { startTestAgent, tempBucket, type TestAgent } from "../support/test-agents.ts";

// Admin APIs operations tools call, each asked through two clients that encode independently.
let db: TestDatabase;
let bucket: Awaited<ReturnType<typeof tempBucket>>;
let agent: TestAgent;
let platformatic: PlatformaticAdmin;
let raw: RawKafkaClient;
const topic = "admin-apis";
let producerId: bigint;

interface PythonAdminAnswers {
  logDirs: { errorCode: number; topics: Record<string, Record<string, number>> }[];
  elect: { errorCode: number; results: Record<string, Record<string, number>> };
  offsetDelete: { errorCode: number; results: Record<string, Record<string, number>> };
  offsetDeleteMissingGroup: number;
  alterQuotas: number[];
  describeUser: { entity: [string, string | null][]; values: Record<string, number> }[];
  describeDefaultUser: { entity: [string, string | null][]; values: Record<string, number> }[];
}
let python: PythonAdminAnswers;

beforeAll(async () => {
  db = await createTestDatabase(inject("postgresAdminUrl"));
  bucket = await tempBucket();
  agent = await startTestAgent({ databaseUrl: db.url, bucketUrl: bucket.url, clusterId: "admin" });
  await createTopic(agent.bootstrap, topic, 2);
  const producer = kafkaClient(agent.bootstrap).producer({ idempotent: true });
  await producer.connect();
  await producer.send({
    topic,
    acks: -1,
    messages: Array.from({ length: 20 }, (_, i) => ({ value: `v${i}`, partition: 0 })),
  });
  await producer.send({ topic, acks: -1, messages: [{ value: "one", partition: 1 }] });
  await producer.disconnect();
  // Standalone commits: group "od" never joins.
  const admin = kafkaClient(agent.bootstrap).admin();
  await admin.connect();
  await admin.setOffsets({
    groupId: "od",
    topic,
    partitions: [
      { partition: 0, offset: "5" },
      { partition: 1, offset: "1" },
    ],
  });
  await admin.disconnect();
  platformatic = new PlatformaticAdmin({
    clientId: "pk-admin",
    bootstrapBrokers: [agent.bootstrap],
  });
  raw = await RawKafkaClient.connect(agent.bootstrap);
  const { rows } = await db.pool.query<{ producer_id: string }>(
    "SELECT DISTINCT producer_id::text FROM producer_partition_states",
  );
  producerId = BigInt(rows[0]!.producer_id);
}, 60_000);

afterAll(async () => {
  raw?.close();
  await platformatic?.close();
  await agent?.stop();
  await db?.drop();
  await bucket?.remove();
});

async function storedBytes(): Promise<Record<number, number>> {
  const { rows } = await db.pool.query<{ partition: number; bytes: string }>(
    `SELECT i.partition, sum(i.byte_length)::text AS bytes FROM partition_index i
       JOIN topics t ON t.id = i.topic_id WHERE t.name = $1 GROUP BY i.partition`,
    [topic],
  );
  return Object.fromEntries(rows.map((r) => [r.partition, Number(r.bytes)]));
}

describe("admin APIs", () => {
  it("OffsetDelete (platformatic): deletes one partition's offset of a group that never joined", async () => {
    await platformatic.deleteConsumerGroupOffsets({
      groupId: "od",
      topics: [{ name: topic, partitionIndexes: [1] }],
    });
    const [group] = await platformatic.listConsumerGroupOffsets({ groups: ["od"] });
    const offsets = Object.fromEntries(
      group!.topics[0]!.partitions.map((p) => [p.partitionIndex, p.committedOffset]),
    );
    // Only partition 0 keeps a committed offset.
    expect(offsets).toEqual({ 0: 5n });
  });

  it("kafka-python requests: DescribeLogDirs, ElectLeaders, OffsetDelete with Kafka's error codes", async () => {
    python = await runPythonClient<PythonAdminAnswers>("admin_requests.py", [
      agent.bootstrap,
      "od",
      topic,
    ]);
    const bytes = await storedBytes();
    expect(bytes[0]).toBeGreaterThan(0);
    expect(python.logDirs).toEqual([
      { errorCode: 0, topics: { [topic]: { 0: bytes[0], 1: bytes[1] } } },
    ]);
    expect(python.elect).toEqual({
      errorCode: 0,
      results: {
        [topic]: { 0: ErrorCode.ELECTION_NOT_NEEDED },
        "no-such-topic": { 0: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION },
      },
    });
    expect(python.offsetDelete).toEqual({
      errorCode: 0,
      results: { [topic]: { 0: ErrorCode.NONE, 9: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION } },
    });
    expect(python.offsetDeleteMissingGroup).toBe(ErrorCode.GROUP_ID_NOT_FOUND);
    // Client quotas: ip cannot combine with user, unknown keys are refused, the rest is stored.
    expect(python.alterQuotas).toEqual([
      ErrorCode.NONE,
      ErrorCode.NONE,
      ErrorCode.INVALID_REQUEST,
      ErrorCode.INVALID_REQUEST,
    ]);
    expect(python.describeUser).toEqual([
      {
        entity: [["user", "py\u0000user"]],
        values: { consumer_byte_rate: 2048, request_percentage: 12.5 },
      },
    ]);
    expect(python.describeDefaultUser).toEqual([
      {
        entity: [
          ["client-id", "py-client"],
          ["user", null],
        ],
        values: { producer_byte_rate: 1048576 },
      },
    ]);
  }, 60_000);

  it("DescribeLogDirs (platformatic): the bytes object storage holds per partition", async () => {
    const bytes = await storedBytes();
    const [broker] = await platformatic.describeLogDirs({
      topics: [{ name: topic, partitions: [0, 1] }],
    });
    const reported = broker!.results.flatMap((r) =>
      r.topics.flatMap((t) => t.partitions.map((p) => [t.name, p.partitionIndex, p.partitionSize])),
    );
    expect(reported.sort()).toEqual([
      [topic, 0, BigInt(bytes[0]!)],
      [topic, 1, BigInt(bytes[1]!)],
    ]);
  });

  it("AlterClientQuotas and DescribeClientQuotas (platformatic): set, match, remove", async () => {
    await platformatic.alterClientQuotas({
      entries: [
        {
          entities: [{ entityType: "client-id", entityName: "pk" }],
          ops: [{ key: "producer_byte_rate", value: 4096, remove: false }],
        },
      ],
    });
    const exact = await platformatic.describeClientQuotas({
      components: [{ entityType: "client-id", matchType: 0, match: "pk" }],
      strict: true,
    });
    expect(exact).toEqual([
      {
        entity: [{ entityType: "client-id", entityName: "pk" }],
        values: [{ key: "producer_byte_rate", value: 4096 }],
      },
    ]);
    // Every entity with a client-id, whatever else it names (the kafka-python test added some).
    const anyClient = await platformatic.describeClientQuotas({
      components: [{ entityType: "client-id", matchType: 2 }],
    });
    expect(anyClient.length).toBeGreaterThanOrEqual(1);
    expect(anyClient.every((e) => e.entity.some((p) => p.entityType === "client-id"))).toBe(true);
    await platformatic.alterClientQuotas({
      entries: [
        {
          entities: [{ entityType: "client-id", entityName: "pk" }],
          ops: [{ key: "producer_byte_rate", remove: true }],
        },
      ],
    });
    expect(
      await platformatic.describeClientQuotas({
        components: [{ entityType: "client-id", matchType: 0, match: "pk" }],
      }),
    ).toEqual([]);
  });

  it("ElectLeaders over all partitions lists none; DescribeProducers reports the idempotent producer", async () => {
    const all = await raw.request<ElectLeadersResponse>(ApiKey.ElectLeaders, 2, {
      ...defaultElectLeadersRequest(),
      topicPartitions: null,
    });
    expect(all).toMatchObject({ errorCode: 0, replicaElectionResults: [] });
    const described = await raw.request<DescribeProducersResponse>(ApiKey.DescribeProducers, 0, {
      ...defaultDescribeProducersRequest(),
      topics: [
        { name: topic, partitionIndexes: [0, 7] },
        { name: "nope", partitionIndexes: [0] },
      ],
    });
    const [mine, nope] = described.topics;
    expect(mine!.partitions[0]).toMatchObject({
      errorCode: 0,
      activeProducers: [
        {
          producerId,
          producerEpoch: 0,
          lastSequence: 19,
          coordinatorEpoch: -1,
          currentTxnStartOffset: -1n,
        },
      ],
    });
    expect(mine!.partitions[0]!.activeProducers[0]!.lastTimestamp).toBeGreaterThan(
      BigInt(Date.now() - 120_000),
    );
    expect(mine!.partitions[1]!.errorCode).toBe(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
    expect(nope!.partitions[0]!.errorCode).toBe(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
  });
});
