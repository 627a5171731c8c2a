import {
  ErrorCode,
  ApiKey,
  ZERO_UUID,
  defaultFetchResponse,
  defaultFetchResponsePartitionData,
  type FetchRequest,
  type FetchResponse,
  type FetchResponsePartitionData,
} from "@streambed/protocol";
import type { TopicInfo } from "../metadata/metadata-store.ts";
import type { FetchPartitionRequest } from "../fetch/fetch-reader.ts";
import { defineApi, type RequestContext } from "../server/api-handler.ts";
import { preferredReadReplicas } from "../cluster/brokers.ts";

/** Topic ids replace names from Fetch v13. */
const TOPIC_IDS_FROM = 13;
/** Fetch sessions (KIP-227) exist from v7. */
const SESSIONS_FROM = 7;
/** Follower fetching (KIP-392): the rack id and the preferred read replica exist from v11. */
const PREFERRED_READ_REPLICA_FROM = 11;

function partitionError(partitionIndex: number, errorCode: number): FetchResponsePartitionData {
  return {
    ...defaultFetchResponsePartitionData(),
    partitionIndex,
    errorCode,
    records: Buffer.alloc(0),
  };
}

/**
 * The agent creates no incremental fetch sessions: a full fetch (session 0) is answered with
 * session id 0, which tells clients to keep sending full fetches. Anything that names a session
 * this agent could not have created gets FETCH_SESSION_ID_NOT_FOUND, as Kafka does.
 */
function sessionError(request: FetchRequest, version: number): number {
  if (version < SESSIONS_FROM) return ErrorCode.NONE;
  if (request.sessionId !== 0) return ErrorCode.FETCH_SESSION_ID_NOT_FOUND;
  if (request.sessionEpoch > 0) return ErrorCode.INVALID_FETCH_SESSION_EPOCH;
  return ErrorCode.NONE;
}

async function resolveTopics(
  request: FetchRequest,
  ctx: RequestContext,
): Promise<(TopicInfo | undefined)[]> {
  const { metadata, topics } = ctx.services;
  const clusterId = ctx.connection.clusterId;
  if (ctx.apiVersion >= TOPIC_IDS_FROM) {
    return Promise.all(request.topics.map((t) => metadata.getTopicById(clusterId, t.topicId)));
  }
  const byName = await topics.getMany(
    clusterId,
    request.topics.map((t) => t.topic),
  );
  return request.topics.map((t) => byName.get(t.topic));
}

async function fetch(request: FetchRequest, ctx: RequestContext): Promise<FetchResponse> {
  const sessionProblem = sessionError(request, ctx.apiVersion);
  if (sessionProblem !== ErrorCode.NONE)
    return { ...defaultFetchResponse(), errorCode: sessionProblem };

  const { fetchReader, metrics, usage } = ctx.services;
  const unknownTopic =
    ctx.apiVersion >= TOPIC_IDS_FROM
      ? ErrorCode.UNKNOWN_TOPIC_ID
      : ErrorCode.UNKNOWN_TOPIC_OR_PARTITION;
  const [topics, readReplica] = await Promise.all([
    resolveTopics(request, ctx),
    preferredReadReplicas(ctx, request.rackId || ctx.clientZone),
  ]);
  // Consumers before v11 cannot be sent elsewhere: they are served here.
  const redirect = ctx.apiVersion >= PREFERRED_READ_REPLICA_FROM ? readReplica : undefined;
  const reads: FetchPartitionRequest[] = [];
  const slots: { topic: number; partition: number; read: number }[] = [];
  const responses = request.topics.map((wanted, t) => {
    const topic = topics[t];
    return {
      topic: topic?.name ?? wanted.topic,
      topicId: topic?.id ?? (wanted.topicId || ZERO_UUID),
      partitions: wanted.partitions.map((p, i) => {
        if (!topic) return partitionError(p.partition, unknownTopic);
        if (p.partition < 0 || p.partition >= topic.partitionCount)
          return partitionError(p.partition, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
        slots.push({ topic: t, partition: i, read: reads.length });
        reads.push({
          topicId: topic.id,
          partition: p.partition,
          fetchOffset: p.fetchOffset,
          partitionMaxBytes: p.partitionMaxBytes,
          ...(redirect ? { offsetsOnly: true } : {}),
        });
        return {
          ...partitionError(p.partition, ErrorCode.NONE),
          ...(redirect ? { preferredReadReplica: redirect(topic.id, p.partition).nodeId } : {}),
        };
      }),
    };
  });

  if (reads.length > 0) {
    const results = await fetchReader.read({
      clusterId: ctx.connection.clusterId,
      partitions: reads,
      // v0-2 have no response limit: only the per-partition one applies.
      maxBytes: ctx.apiVersion >= 3 ? request.maxBytes : 0x7fffffff,
      minBytes: request.minBytes,
      maxWaitMs: Math.max(0, request.maxWaitMs),
      signal: ctx.signal,
    });
    let bytes = 0;
    for (const slot of slots) {
      const result = results[slot.read]!;
      const partition = responses[slot.topic]!.partitions[slot.partition]!;
      partition.errorCode = result.errorCode ? ErrorCode[result.errorCode] : ErrorCode.NONE;
      partition.highWatermark = result.highWatermark;
      partition.lastStableOffset = result.lastStableOffset;
      partition.logStartOffset = result.logStartOffset;
      partition.records = result.records;
      bytes += result.records.length;
      if (result.errorCode)
        metrics.recordPartitionError(ctx.connection.clusterId, "Fetch", partition.errorCode);
    }
    metrics.recordBytes(ctx.connection.clusterId, "fetch", bytes);
    usage.add(ctx.connection.clusterId, "read_bytes", bytes);
  }
  return { ...defaultFetchResponse(), responses };
}

export const fetchApi = defineApi<FetchRequest, FetchResponse>({
  apiKey: ApiKey.Fetch,
  minVersion: 4,
  maxVersion: 17,
  handle: fetch,
  encodedSizeHint(response) {
    let bytes = 1024;
    for (const topic of response.responses)
      for (const p of topic.partitions) bytes += 64 + (p.records?.length ?? 0);
    return bytes;
  },
  errorResponse(request, errorCode) {
    return {
      ...defaultFetchResponse(),
      errorCode,
      responses: request.topics.map((t) => ({
        topic: t.topic,
        topicId: t.topicId,
        partitions: t.partitions.map((p) => partitionError(p.partition, errorCode)),
      })),
    };
  },
});
