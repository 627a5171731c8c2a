import {
  ErrorCode,
  ApiKey,
  defaultProduceResponse,
  defaultProduceResponsePartitionProduceResponse,
  type ProduceRequest,
  type ProduceResponse,
  type ProduceResponsePartitionProduceResponse,
} from "@streambed/protocol";
import type { AppendResult, ProduceEntry } from "../produce/produce-buffer.ts";
import {
  FlushFailedError,
  ProduceBufferClosedError,
  ProduceValidationError,
} from "../produce/produce-errors.ts";
import { validateRecordBatches } from "../produce/validate-records.ts";
import { recompressBatches, storedCompression } from "../produce/recompress.ts";
import { defineApi, type RequestContext } from "../server/api-handler.ts";
import type { TopicInfo } from "../metadata/metadata-store.ts";
import type { WriteBytesCounter } from "../usage/uncompressed-size.ts";
import { stampLogAppendTime } from "../produce/log-append-time.ts";
import { maxMessageBytes, usesLogAppendTime } from "../topics/topic-configs.ts";
import { topicNameProblem } from "../topics/topic-lookup.ts";
import { takesProduce } from "../cluster/brokers.ts";
import { access, mayCreateTopic } from "../acl/authorize.ts";
import type { ConnectionAccess } from "../acl/acl-cache.ts";

type PartitionResponse = ProduceResponsePartitionProduceResponse;

function partitionResponse(
  index: number,
  errorCode: number,
  errorMessage: string | null = null,
): PartitionResponse {
  return { ...defaultProduceResponsePartitionProduceResponse(), index, errorCode, errorMessage };
}

/** Kafka's answer to a failed append: retriable, so producers try again (maybe on another agent). */
function appendErrorCode(err: unknown): number {
  if (err instanceof ProduceBufferClosedError) return ErrorCode.NOT_LEADER_OR_FOLLOWER;
  if (err instanceof FlushFailedError) return ErrorCode.KAFKA_STORAGE_ERROR;
  throw err;
}

interface Pending {
  response: PartitionResponse;
  entry: ProduceEntry;
  /** Set for LogAppendTime topics: the time stamped into the batches. */
  logAppendTimeMs: bigint | null;
}

/** Creates the unknown topics a producer writes to when the cluster auto-creates topics. */
async function autoCreateMissing(
  known: Map<string, TopicInfo | undefined>,
  ctx: RequestContext,
  acl: ConnectionAccess,
): Promise<void> {
  const missing = [...known]
    .filter(
      ([name, topic]) => !topic && topicNameProblem(name) === null && mayCreateTopic(acl, name),
    )
    .map(([name]) => name);
  if (missing.length === 0) return;
  const settings = await ctx.services.clusterSettings.get(ctx.connection.clusterId);
  if (!settings.autoCreateTopics) return;
  for (const name of missing)
    known.set(
      name,
      await ctx.services.topics.getOrCreate(ctx.connection.clusterId, name, settings),
    );
}

/**
 * Checks one partition's records (validation, the topic's timestamp bounds, its compression.type)
 * and queues the accepted ones in `pending`; answers at once when they are refused.
 */
async function acceptPartition(
  topic: TopicInfo | undefined,
  data: ProduceRequest["topicData"][number]["partitionData"][number],
  ctx: RequestContext,
  pending: Pending[],
): Promise<PartitionResponse> {
  if (!topic || data.index < 0 || data.index >= topic.partitionCount) {
    return partitionResponse(data.index, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
  }
  if (data.records === null || data.records.length === 0) {
    return partitionResponse(data.index, ErrorCode.CORRUPT_MESSAGE, "no record batches");
  }
  const maxUncompressed = ctx.services.config.maxUncompressedBatchBytes;
  try {
    const {
      batchCount: _,
      firstTimestamp,
      ...validated
    } = validateRecordBatches(data.records, maxMessageBytes(topic.configs), maxUncompressed);
    const logAppendTime = usesLogAppendTime(topic.configs);
    if (!logAppendTime) checkTimestamps(topic.configs, firstTimestamp, validated.maxTimestamp);
    const target = storedCompression(topic.configs["compression.type"]);
    const batches =
      target === null
        ? data.records
        : await recompressBatches(data.records, target, maxUncompressed);
    const response = partitionResponse(data.index, ErrorCode.NONE);
    let logAppendTimeMs: bigint | null = null;
    if (logAppendTime) {
      logAppendTimeMs = BigInt(Date.now());
      stampLogAppendTime(batches, logAppendTimeMs);
      validated.maxTimestamp = logAppendTimeMs;
    }
    pending.push({
      response,
      logAppendTimeMs,
      entry: {
        topicId: topic.id,
        topicName: topic.name,
        partition: data.index,
        batches,
        ...validated,
      },
    });
    return response;
  } catch (err) {
    if (!(err instanceof ProduceValidationError)) throw err;
    ctx.logger.debug(
      { topic: topic.name, partition: data.index, reason: err.message },
      "records rejected",
    );
    return partitionResponse(data.index, ErrorCode[err.code], err.message);
  }
}

/**
 * Validates every partition, then appends all accepted ones to the agent's produce buffer in one
 * call (they land in the same object) and answers once it is written and committed, or with
 * REQUEST_TIMED_OUT when that takes longer than the request's timeout_ms (the flush goes on, as a
 * Kafka broker's append stays in its log: an idempotent producer's retry is deduplicated).
 */
async function produce(
  request: ProduceRequest,
  ctx: RequestContext,
): Promise<ProduceResponse | null> {
  const { topics, produceBuffer, metrics, writeBytes } = ctx.services;
  const clusterId = ctx.connection.clusterId;
  if (![-1, 0, 1].includes(request.acks))
    return errorResponse(request, ErrorCode.INVALID_REQUIRED_ACKS);
  if (!(await takesProduce(ctx))) return errorResponse(request, ErrorCode.NOT_LEADER_OR_FOLLOWER);
  const acl = await access(ctx);
  const { transactionalId } = request;
  if (transactionalId !== null && !acl.allows("WRITE", "TRANSACTIONAL_ID", transactionalId))
    return errorResponse(request, ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED);
  const writable = request.topicData.filter((t) => acl.allows("WRITE", "TOPIC", t.name));

  const known = await topics.getMany(
    clusterId,
    writable.map((t) => t.name),
  );
  await autoCreateMissing(known, ctx, acl);
  const pending: Pending[] = [];
  const responses = await Promise.all(
    request.topicData.map(async (topicData) => ({
      name: topicData.name,
      partitionResponses: await Promise.all(
        topicData.partitionData.map((data) =>
          acl.allows("WRITE", "TOPIC", topicData.name)
            ? acceptPartition(known.get(topicData.name), data, ctx, pending)
            : partitionResponse(data.index, ErrorCode.TOPIC_AUTHORIZATION_FAILED),
        ),
      ),
    })),
  );

  const bytes = pending.reduce((sum, p) => sum + p.entry.batches.length, 0);
  const appended = produceBuffer.append(
    clusterId,
    pending.map((p) => p.entry),
  );
  // The batches are views of the request's frame, which the connection reuses once the frame is
  // released: that waits for the flush, however early the answer goes out.
  const settled = appended.then(
    (results) => {
      metrics.recordBytes(clusterId, "produce", bytes);
      meterCommitted(writeBytes, clusterId, pending, results);
      return results;
    },
    (err: unknown) => {
      if (request.acks === 0) ctx.logger.warn({ err }, "acks=0 produce failed");
      throw err;
    },
  );
  ctx.holdFrameUntil(settled);
  if (request.acks === 0) return null;
  let results: AppendResult[] | "timed-out";
  try {
    results = await withTimeout(settled, request.timeoutMs);
  } catch (err) {
    const errorCode = appendErrorCode(err);
    for (const p of pending) p.response.errorCode = errorCode;
    return { ...defaultProduceResponse(), responses };
  }
  if (results === "timed-out") {
    for (const p of pending) p.response.errorCode = ErrorCode.REQUEST_TIMED_OUT;
  } else {
    results.forEach((result, i) => {
      const { response, logAppendTimeMs } = pending[i]!;
      if (result.ok) {
        response.baseOffset = result.baseOffset;
        if (logAppendTimeMs !== null) response.logAppendTimeMs = logAppendTimeMs;
      } else {
        response.errorCode = ErrorCode[result.errorCode];
      }
    });
  }
  for (const r of responses)
    for (const p of r.partitionResponses)
      if (p.errorCode !== 0) metrics.recordPartitionError(clusterId, "Produce", p.errorCode);
  return { ...defaultProduceResponse(), responses };
}

/** The promise's value, or "timed-out" after `timeoutMs` (0 or less: no limit, as in Kafka). */
function withTimeout<T>(promise: Promise<T>, timeoutMs: number): Promise<T | "timed-out"> {
  if (timeoutMs <= 0) return promise;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<"timed-out">((resolve) => {
    timer = setTimeout(() => resolve("timed-out"), timeoutMs);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/**
 * message.timestamp.before.max.ms / after.max.ms (CreateTime topics): a batch whose timestamps
 * reach further from the agent's clock is refused with INVALID_TIMESTAMP, as Kafka does.
 */
function checkTimestamps(configs: TopicInfo["configs"], first: bigint, max: bigint): void {
  const now = BigInt(Date.now());
  const before = configs["message.timestamp.before.max.ms"];
  const after = configs["message.timestamp.after.max.ms"];
  // -1 is "no timestamp" (NO_TIMESTAMP), which Kafka does not check.
  if (before !== undefined && first >= 0n && now - first > BigInt(before))
    throw new ProduceValidationError(
      "INVALID_TIMESTAMP",
      `timestamp ${first} is more than message.timestamp.before.max.ms ${before} before the agent's clock`,
    );
  if (after !== undefined && max - now > BigInt(after))
    throw new ProduceValidationError(
      "INVALID_TIMESTAMP",
      `timestamp ${max} is more than message.timestamp.after.max.ms ${after} after the agent's clock`,
    );
}

/** Meters the batches that were committed (before the handler returns and the frame is reused). */
function meterCommitted(
  writeBytes: WriteBytesCounter,
  clusterId: string,
  pending: readonly Pending[],
  results: readonly AppendResult[],
): void {
  for (let i = 0; i < pending.length; i++)
    if (results[i]?.ok) writeBytes.count(clusterId, pending[i]!.entry.batches);
}

function errorResponse(request: ProduceRequest, errorCode: number): ProduceResponse {
  return {
    ...defaultProduceResponse(),
    responses: request.topicData.map((t) => ({
      name: t.name,
      partitionResponses: t.partitionData.map((p) => partitionResponse(p.index, errorCode)),
    })),
  };
}

export const produceApi = defineApi<ProduceRequest, ProduceResponse>({
  apiKey: ApiKey.Produce,
  // Kafka 4 rejects v0-2 (message formats before magic 2) but still lists v0: librdkafka 2.0
  // refuses to produce to a broker that does not advertise Produce v0.
  minVersion: 3,
  advertisedMinVersion: 0,
  maxVersion: 11,
  handle: produce,
  errorResponse,
});
