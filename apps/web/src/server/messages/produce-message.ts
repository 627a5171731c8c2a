import { randomInt } from "node:crypto";
import { errorInfo } from "@streambed/protocol/errors/error-codes";
import type { ProduceRequest } from "@streambed/protocol/generated/produce-request";
import type { ProduceResponse } from "@streambed/protocol/generated/produce-response";
import { buildRecordBatch } from "@streambed/protocol/records/build-batch";
import type { AgentConnection } from "../kafka/agent-connection.ts";
import type { ProduceMessageInput } from "./schemas.ts";

const PRODUCE = 0;

/** Kafka's murmur2 (the Java client's Utils.murmur2), so keyed messages land where Kafka clients put them. */
export function murmur2(data: Buffer): number {
  const m = 0x5bd1e995;
  let h = (0x9747b28c ^ data.length) | 0;
  const whole = data.length & ~3;
  for (let i = 0; i < whole; i += 4) {
    let k = data.readInt32LE(i);
    k = Math.imul(k, m);
    k ^= k >>> 24;
    k = Math.imul(k, m);
    h = Math.imul(h, m) ^ k;
  }
  const rest = data.length & 3;
  if (rest === 3) h ^= data[whole + 2]! << 16;
  if (rest >= 2) h ^= data[whole + 1]! << 8;
  if (rest >= 1) {
    h ^= data[whole]!;
    h = Math.imul(h, m);
  }
  h ^= h >>> 13;
  h = Math.imul(h, m);
  h ^= h >>> 15;
  return h;
}

/** The default partitioner: murmur2 of the key when there is one, else any partition. */
export function choosePartition(key: Buffer | null, partitionCount: number): number {
  if (key === null) return randomInt(partitionCount);
  return (murmur2(key) & 0x7fffffff) % partitionCount;
}

export class ProduceRefusedError extends Error {}

/** Sends one record (acks=all) and answers where it landed. */
export async function produceMessage(
  connection: AgentConnection,
  input: ProduceMessageInput,
  partitionCount: number,
): Promise<{ partition: number; offset: bigint }> {
  const key = input.key === null ? null : Buffer.from(input.key);
  const partition = input.partition ?? choosePartition(key, partitionCount);
  const batch = await buildRecordBatch({
    records: [
      {
        key,
        value: input.value === null ? null : Buffer.from(input.value),
        headers: input.headers.map((h) => ({ key: h.key, value: Buffer.from(h.value) })),
        timestamp: Date.now(),
      },
    ],
  });
  const response = await connection.request<ProduceResponse>(PRODUCE, 8, {
    transactionalId: null,
    acks: -1,
    timeoutMs: 15_000,
    topicData: [{ name: input.topic, partitionData: [{ index: partition, records: batch }] }],
  } satisfies ProduceRequest);
  const result = response.responses[0]?.partitionResponses[0];
  if (!result) throw new Error("the agent did not answer for the partition");
  if (result.errorCode !== 0) {
    const info = errorInfo(result.errorCode);
    throw new ProduceRefusedError(result.errorMessage ?? `${info.name}: ${info.message}`);
  }
  return { partition, offset: result.baseOffset };
}
