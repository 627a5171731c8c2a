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
import { FetchSessionCache, type SessionPartition } from "../fetch/fetch-sessions.ts";
import { defineApi, type RequestContext } from "../server/api-handler.ts";
import { access } from "../acl/authorize.ts";
import { preferredReadReplicas } from "../cluster/brokers.ts";
import { READ_COMMITTED } from "../transactions/last-stable-offsets.ts";

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

/** The partitions a request names, keyed by topic name (v7-12) or id (v13+). */
function requestedPartitions(request: FetchRequest, usesTopicIds: boolean): SessionPartition[] {
  return request.topics.flatMap((t) =>
    t.partitions.map((p) => ({
      topic: usesTopicIds ? t.topicId : t.topic,
      partition: p.partition,
      fetchOffset: p.fetchOffset,
      partitionMaxBytes: p.partitionMaxBytes,
    })),
  );
}

/** The fetch's session (v7+), and what it reads: the request's partitions, or its session's. */
function openSession(
  request: FetchRequest,
  ctx: RequestContext,
):
  | { errorCode: number }
  | { sessionId: number; incremental: boolean; partitions: SessionPartition[] } {
  const usesTopicIds = ctx.apiVersion >= TOPIC_IDS_FROM;
  const partitions = requestedPartitions(request, usesTopicIds);
  if (ctx.apiVersion < SESSIONS_FROM) return { sessionId: 0, incremental: false, partitions };
  const outcome = ctx.services.fetchSessions.open(ctx.connection.clusterId, {
    sessionId: request.sessionId,
    sessionEpoch: request.sessionEpoch,
    partitions,
    forgotten: request.forgottenTopicsData.map((f) => ({
      topic: usesTopicIds ? f.topicId : f.topic,
      partitions: f.partitions,
    })),
    usesTopicIds,
  });
  return "errorCode" in outcome ? { errorCode: ErrorCode[outcome.errorCode] } : outcome;
}

/** The topics of the fetch, by the key the client uses (name, or id from v13). */
async function resolveTopics(
  keys: readonly string[],
  ctx: RequestContext,
): Promise<Map<string, TopicInfo | undefined>> {
  const { metadata, topics } = ctx.services;
  const clusterId = ctx.connection.clusterId;
  if (ctx.apiVersion < TOPIC_IDS_FROM) return topics.getMany(clusterId, keys);
  const found = await Promise.all(keys.map((id) => metadata.getTopicById(clusterId, id)));
  return new Map(keys.map((id, i) => [id, found[i]]));
}

/** The session's partitions grouped by topic, in first-seen order. */
function byTopic(partitions: readonly SessionPartition[]): Map<string, SessionPartition[]> {
  const groups = new Map<string, SessionPartition[]>();
  for (const p of partitions) {
    const group = groups.get(p.topic);
    if (group) group.push(p);
    else groups.set(p.topic, [p]);
  }
  return groups;
}

async function fetch(request: FetchRequest, ctx: RequestContext): Promise<FetchResponse> {
  const session = openSession(request, ctx);
  if ("errorCode" in session) return { ...defaultFetchResponse(), errorCode: session.errorCode };

  const { fetchReader, metrics, usage } = ctx.services;
  const usesTopicIds = ctx.apiVersion >= TOPIC_IDS_FROM;
  const unknownTopic = usesTopicIds
    ? ErrorCode.UNKNOWN_TOPIC_ID
    : ErrorCode.UNKNOWN_TOPIC_OR_PARTITION;
  const groups = byTopic(session.partitions);
  const [topics, readReplica, acl] = await Promise.all([
    resolveTopics([...groups.keys()], ctx),
    preferredReadReplicas(ctx, request.rackId || ctx.clientZone),
    access(ctx),
  ]);
  // Consumers before v11 cannot be sent elsewhere: they are served here.
  const redirect = ctx.apiVersion >= PREFERRED_READ_REPLICA_FROM ? readReplica : undefined;
  const reads: FetchPartitionRequest[] = [];
  const slots: { topic: number; partition: number; read: number; wanted: SessionPartition }[] = [];
  const responses = [...groups].map(([key, wanted], t) => {
    const topic = topics.get(key);
    const name = topic?.name ?? (usesTopicIds ? null : key);
    const readable = name === null || acl.allows("READ", "TOPIC", name);
    return {
      topic: topic?.name ?? (usesTopicIds ? "" : key),
      topicId: topic?.id ?? (usesTopicIds ? key : ZERO_UUID),
      partitions: wanted.map((p, i) => {
        if (!readable) return partitionError(p.partition, ErrorCode.TOPIC_AUTHORIZATION_FAILED);
        if (!topic) return partitionError(p.partition, unknownTopic);
        if (p.partition < 0 || p.partition >= topic.partitionCount)
          return partitionError(p.partition, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
        slots.push({ topic: t, partition: i, read: reads.length, wanted: p });
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

  /** Partitions an incremental response leaves out: nothing new since the client last heard. */
  const unchanged = new Set<FetchResponsePartitionData>();
  if (reads.length > 0) {
    const results = await fetchReader.read({
      clusterId: ctx.connection.clusterId,
      partitions: reads,
      // v0-2 have no response limit: only the per-partition one applies.
      maxBytes: ctx.apiVersion >= 3 ? request.maxBytes : 0x7fffffff,
      minBytes: request.minBytes,
      maxWaitMs: Math.max(0, request.maxWaitMs),
      signal: ctx.signal,
      readCommitted: request.isolationLevel === READ_COMMITTED,
    });
    let bytes = 0;
    for (const slot of slots) {
      const result = results[slot.read]!;
      const partition = responses[slot.topic]!.partitions[slot.partition]!;
      partition.errorCode = result.errorCode ? ErrorCode[result.errorCode] : ErrorCode.NONE;
      partition.highWatermark = result.highWatermark;
      partition.lastStableOffset = result.lastStableOffset;
      if (result.abortedTransactions) partition.abortedTransactions = result.abortedTransactions;
      partition.logStartOffset = result.logStartOffset;
      partition.records = result.records;
      bytes += result.records.length;
      if (result.errorCode)
        metrics.recordPartitionError(ctx.connection.clusterId, "Fetch", partition.errorCode);
      const changed = FetchSessionCache.changed(slot.wanted, result);
      if (
        session.incremental &&
        !redirect &&
        !changed &&
        !result.errorCode &&
        !result.records.length
      )
        unchanged.add(partition);
    }
    metrics.recordBytes(ctx.connection.clusterId, "fetch", bytes);
    usage.add(ctx.connection.clusterId, "read_bytes", bytes);
  }
  return {
    ...defaultFetchResponse(),
    sessionId: session.sessionId,
    responses: responses
      .map((r) => ({ ...r, partitions: r.partitions.filter((p) => !unchanged.has(p)) }))
      .filter((r) => r.partitions.length > 0 || !session.incremental),
  };
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
