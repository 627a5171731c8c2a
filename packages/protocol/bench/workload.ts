import { randomBytes } from "node:crypto";
import { encodeFetchResponse } from "../src/generated/fetch-response.ts";
import { encodeProduceRequest } from "../src/generated/produce-request.ts";
import { Writer } from "../src/primitives/writer.ts";
import { buildRecordBatch, type RecordInput } from "../src/records/build-batch.ts";

// The highest versions KafkaJS speaks, so both codecs decode the very same bytes.
export const PRODUCE_VERSION = 7;
export const FETCH_VERSION = 11;

export const TOPICS = 10;
export const PARTITIONS_PER_TOPIC = 10;
const RECORD_SIZE = 1024;
const TOTAL_BYTES = 1024 * 1024;

export interface Workload {
  produceRequest: Buffer;
  fetchResponse: Buffer;
  recordCount: number;
  batchCount: number;
}

/** One Produce request and one Fetch response, each carrying 1 MiB of 1 KiB records over 100 partitions. */
export async function buildWorkload(): Promise<Workload> {
  const partitions = TOPICS * PARTITIONS_PER_TOPIC;
  const recordCount = TOTAL_BYTES / RECORD_SIZE;
  const perPartition: RecordInput[][] = Array.from({ length: partitions }, () => []);
  const now = Date.now();
  for (let i = 0; i < recordCount; i++) {
    const key = Buffer.from(`key-${String(i).padStart(12, "0")}`);
    const header = { key: "trace-id", value: randomBytes(16) };
    // key + value + header bytes make one 1 KiB record
    const value = randomBytes(RECORD_SIZE - key.length - header.key.length - header.value.length);
    perPartition[i % partitions]!.push({ key, value, headers: [header], timestamp: now + i });
  }
  const producerBatches = await Promise.all(
    perPartition.map((records, p) =>
      buildRecordBatch({ records, producerId: 4000n, producerEpoch: 0, baseSequence: p * 100 }),
    ),
  );
  const fetchBatches = await Promise.all(
    perPartition.map((records, p) =>
      buildRecordBatch({ records, baseOffset: BigInt(p * 1000), partitionLeaderEpoch: 0 }),
    ),
  );
  const topicNames = Array.from({ length: TOPICS }, (_, t) => `bench-topic-${t}`);

  const produce = new Writer(TOTAL_BYTES * 2);
  encodeProduceRequest(
    produce,
    {
      transactionalId: null,
      acks: -1,
      timeoutMs: 30_000,
      topicData: topicNames.map((name, t) => ({
        name,
        partitionData: Array.from({ length: PARTITIONS_PER_TOPIC }, (_, index) => ({
          index,
          records: producerBatches[t * PARTITIONS_PER_TOPIC + index]!,
        })),
      })),
    },
    PRODUCE_VERSION,
  );

  const fetch = new Writer(TOTAL_BYTES * 2);
  encodeFetchResponse(
    fetch,
    {
      throttleTimeMs: 0,
      errorCode: 0,
      sessionId: 0,
      nodeEndpoints: [],
      responses: topicNames.map((topic, t) => ({
        topic,
        topicId: "00000000-0000-0000-0000-000000000000",
        partitions: Array.from({ length: PARTITIONS_PER_TOPIC }, (_, partitionIndex) => ({
          partitionIndex,
          errorCode: 0,
          highWatermark: 1_000_000n,
          lastStableOffset: 1_000_000n,
          logStartOffset: 0n,
          divergingEpoch: { epoch: -1, endOffset: -1n },
          currentLeader: { leaderId: -1, leaderEpoch: -1 },
          snapshotId: { endOffset: -1n, epoch: -1 },
          abortedTransactions: [],
          preferredReadReplica: -1,
          records: fetchBatches[t * PARTITIONS_PER_TOPIC + partitionIndex]!,
        })),
      })),
    },
    FETCH_VERSION,
  );

  return {
    produceRequest: Buffer.from(produce.finish()),
    fetchResponse: Buffer.from(fetch.finish()),
    recordCount,
    batchCount: partitions,
  };
}
