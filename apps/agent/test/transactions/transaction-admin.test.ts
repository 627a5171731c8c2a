// DescribeTransactions, ListTransactions, DescribeProducers and ListOffsets (isolation levels)
// while a KafkaJS transaction is open and after it commits.
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { Kafka, logLevel } from "kafkajs";
import {
  ApiKey,
  ErrorCode,
  defaultListOffsetsRequest,
  defaultListOffsetsRequestPartition,
  defaultOffsetFetchRequest,
  type DescribeProducersResponse,
  type DescribeTransactionsResponse,
  type ListOffsetsResponse,
  type ListTransactionsResponse,
  type OffsetFetchResponse,
} from "@streambed/protocol";
import { createTestDatabase, type TestDatabase } from "@streambed/db/testing";
import { RawKafkaClient } from "../support/raw-kafka-client.ts";
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
    clusterId: "txn-admin",
    extra: ["--batch-timeout-ms", "20", "--transaction-check-interval-ms", "300"],
  });
  client = await RawKafkaClient.connect(agent.bootstrap);
});

afterAll(async () => {
  client?.close();
  await agent?.stop();
  await db?.drop();
  await bucket?.remove();
});

const latest = async (isolationLevel: number, topic = "audited") => {
  const response = await client.request<ListOffsetsResponse>(ApiKey.ListOffsets, 7, {
    ...defaultListOffsetsRequest(),
    replicaId: -1,
    isolationLevel,
    topics: [
      {
        name: topic,
        partitions: [
          { ...defaultListOffsetsRequestPartition(), partitionIndex: 0, timestamp: -1n },
        ],
      },
    ],
  });
  return response.topics[0]!.partitions[0]!.offset;
};

/** The group's offset of audited/0 by OffsetFetch v7: [offset, error code]. */
const groupOffset = async (requireStable: boolean) => {
  const response = await client.request<OffsetFetchResponse>(ApiKey.OffsetFetch, 7, {
    ...defaultOffsetFetchRequest(),
    groupId: "auditors",
    topics: [{ name: "audited", partitionIndexes: [0] }],
    requireStable,
  });
  const p = response.topics[0]!.partitions[0]!;
  return [p.committedOffset, p.errorCode];
};

const describeTxn = async (transactionalId: string) =>
  (
    await client.request<DescribeTransactionsResponse>(ApiKey.DescribeTransactions, 0, {
      transactionalIds: [transactionalId],
    })
  ).transactionStates[0]!;

describe("transaction admin APIs", () => {
  it("show an open transaction, its start offset and the last stable offset, then its commit", async () => {
    const kafka = new Kafka({ brokers: [agent.bootstrap], logLevel: logLevel.NOTHING });
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: "audited", numPartitions: 1 }] });
    await admin.disconnect();
    const plain = kafka.producer();
    await plain.connect();
    await plain.send({ topic: "audited", messages: [{ value: "a" }, { value: "b" }] });
    await plain.disconnect();

    const producer = kafka.producer({
      transactionalId: "audit-writer",
      idempotent: true,
      maxInFlightRequests: 1,
    });
    await producer.connect();
    const txn = await producer.transaction();
    await txn.send({
      topic: "audited",
      messages: [{ value: "c" }, { value: "d" }, { value: "e" }],
    });

    const open = await describeTxn("audit-writer");
    expect(open).toMatchObject({
      errorCode: ErrorCode.NONE,
      transactionState: "Ongoing",
      topics: [{ topic: "audited", partitions: [0] }],
    });
    expect(open.transactionStartTimeMs).toBeGreaterThan(0n);
    const listed = await client.request<ListTransactionsResponse>(ApiKey.ListTransactions, 1, {
      stateFilters: ["Ongoing", "Bogus"],
      producerIdFilters: [],
      durationFilter: -1n,
    });
    expect(listed.unknownStateFilters).toEqual(["Bogus"]);
    expect(listed.transactionStates).toEqual([
      expect.objectContaining({ transactionalId: "audit-writer", transactionState: "Ongoing" }),
    ]);
    const producers = await client.request<DescribeProducersResponse>(ApiKey.DescribeProducers, 0, {
      topics: [{ name: "audited", partitionIndexes: [0] }],
    });
    expect(producers.topics[0]!.partitions[0]!.activeProducers).toEqual([
      expect.objectContaining({ producerId: open.producerId, currentTxnStartOffset: 2n }),
    ]);
    expect(await latest(1)).toBe(2n);
    expect(await latest(0)).toBe(5n);
    await txn.sendOffsets({
      consumerGroupId: "auditors",
      topics: [{ topic: "audited", partitions: [{ partition: 0, offset: "2" }] }],
    });
    // KIP-447: a consumer asking for stable offsets waits for the transaction to end.
    expect(await groupOffset(true)).toEqual([-1n, ErrorCode.UNSTABLE_OFFSET_COMMIT]);
    expect(await groupOffset(false)).toEqual([-1n, ErrorCode.NONE]);

    await txn.commit();
    expect(await describeTxn("audit-writer")).toMatchObject({
      transactionState: "CompleteCommit",
      topics: [],
    });
    expect(await groupOffset(true)).toEqual([2n, ErrorCode.NONE]);
    // The commit marker takes offset 5.
    expect(await latest(1)).toBe(6n);
    expect(await latest(0)).toBe(6n);
    expect((await describeTxn("nobody")).errorCode).toBe(ErrorCode.TRANSACTIONAL_ID_NOT_FOUND);
    await producer.disconnect();
  }, 60_000);

  it("finishes a commit whose agent died after deciding and before writing the markers", async () => {
    const kafka = new Kafka({ brokers: [agent.bootstrap], logLevel: logLevel.NOTHING });
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: "orphaned", numPartitions: 1 }] });
    await admin.disconnect();
    const producer = kafka.producer({
      transactionalId: "orphan",
      idempotent: true,
      maxInFlightRequests: 1,
    });
    await producer.connect();
    const txn = await producer.transaction();
    await txn.send({ topic: "orphaned", messages: [{ value: "x" }, { value: "y" }] });
    expect(await latest(1, "orphaned")).toBe(0n);
    // What EndTxn leaves behind when its agent is SIGKILLed right after recording the decision.
    await db.pool.query(
      `UPDATE producer_ids SET txn_state = 'PrepareCommit', updated_at = now() - interval '1 hour'
        WHERE transactional_id = convert_to('orphan', 'UTF8')`,
    );
    await expect
      .poll(() => describeTxn("orphan").then((t) => t.transactionState), {
        timeout: 20_000,
      })
      .toBe("CompleteCommit");
    // The records and the commit marker are all readable by read_committed consumers.
    expect(await latest(1, "orphaned")).toBe(3n);
    await producer.disconnect();
  }, 60_000);
});
