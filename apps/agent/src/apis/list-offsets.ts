import {
  ErrorCode,
  ApiKey,
  defaultListOffsetsResponse,
  defaultListOffsetsResponsePartitionResponse,
  type ListOffsetsRequest,
  type ListOffsetsRequestPartition,
  type ListOffsetsResponse,
  type ListOffsetsResponsePartitionResponse,
} from "@streambed/protocol";
import type { PartitionHead, TopicInfo } from "../metadata/metadata-store.ts";
import { defineApi, type RequestContext } from "../server/api-handler.ts";
import { READ_COMMITTED, stableHeads } from "../transactions/last-stable-offsets.ts";
import {
  firstRecordAtOrAfter,
  recordWithMaxTimestamp,
  type RecordPosition,
} from "../fetch/record-positions.ts";
import { access } from "../acl/authorize.ts";

const LATEST = -1n;
const EARLIEST = -2n;
const MAX_TIMESTAMP = -3n;
/** KIP-405's earliest local offset: with everything in object storage, the same as earliest. */
const EARLIEST_LOCAL = -4n;

type PartitionResponse = ListOffsetsResponsePartitionResponse;

function answer(
  version: number,
  partitionIndex: number,
  errorCode: number,
  found?: RecordPosition,
): PartitionResponse {
  return {
    ...defaultListOffsetsResponsePartitionResponse(),
    partitionIndex,
    errorCode,
    timestamp: found?.timestamp ?? -1n,
    offset: found?.offset ?? -1n,
    // Leader epochs exist from v4 (and every partition stays at epoch 0).
    leaderEpoch: found && version >= 4 ? 0 : -1,
  };
}

async function listOffset(
  ctx: RequestContext,
  topic: TopicInfo,
  head: PartitionHead,
  wanted: ListOffsetsRequestPartition,
): Promise<PartitionResponse> {
  const { metadata, blocks } = ctx.services;
  const clusterId = ctx.connection.clusterId;
  const ref = { topicId: topic.id, partition: wanted.partitionIndex };
  switch (wanted.timestamp) {
    case LATEST:
      return answer(ctx.apiVersion, wanted.partitionIndex, ErrorCode.NONE, {
        offset: head.highWatermark,
        timestamp: -1n,
      });
    case EARLIEST:
    case EARLIEST_LOCAL:
      return answer(ctx.apiVersion, wanted.partitionIndex, ErrorCode.NONE, {
        offset: head.logStartOffset,
        timestamp: -1n,
      });
    case MAX_TIMESTAMP: {
      const row = await metadata.findMaxTimestampIndexRow(clusterId, ref);
      const found = row && (await recordWithMaxTimestamp(blocks, row));
      return answer(ctx.apiVersion, wanted.partitionIndex, ErrorCode.NONE, found);
    }
  }
  if (wanted.timestamp < 0n)
    return answer(ctx.apiVersion, wanted.partitionIndex, ErrorCode.INVALID_REQUEST);
  let row = await metadata.findIndexRowByTimestamp(clusterId, ref, wanted.timestamp);
  while (row) {
    const found = await firstRecordAtOrAfter(blocks, row, wanted.timestamp, head.logStartOffset);
    if (found) return answer(ctx.apiVersion, wanted.partitionIndex, ErrorCode.NONE, found);
    // Rare: the matching records of this row lie below the log start (DeleteRecords cut inside it).
    const later = await metadata.findIndexRows(clusterId, [
      { ...ref, fromOffset: row.lastOffset + 1n, maxBytes: 64 << 20 },
    ]);
    row = later[0]?.find((r) => r.maxTimestamp >= wanted.timestamp);
  }
  return answer(ctx.apiVersion, wanted.partitionIndex, ErrorCode.NONE);
}

async function listOffsets(
  request: ListOffsetsRequest,
  ctx: RequestContext,
): Promise<ListOffsetsResponse> {
  const { topics, metadata } = ctx.services;
  const clusterId = ctx.connection.clusterId;
  const acl = await access(ctx);
  const known = await topics.getMany(
    clusterId,
    request.topics.map((t) => t.name),
  );
  const refs = request.topics.flatMap((t) => {
    const topic = known.get(t.name);
    return topic
      ? t.partitions.map((p) => ({ topicId: topic.id, partition: p.partitionIndex }))
      : [];
  });
  let found = await metadata.partitionHeads(clusterId, refs);
  // read_committed (v2+): LATEST is the last stable offset.
  if (request.isolationLevel === READ_COMMITTED)
    found = await stableHeads(metadata.transactions, clusterId, found);
  const heads = new Map(found.map((h) => [`${h.topicId}:${h.partition}`, h]));
  const responses = await Promise.all(
    request.topics.map(async (t) => {
      const topic = known.get(t.name);
      return {
        name: t.name,
        partitions: await Promise.all(
          t.partitions.map((p) => {
            if (!acl.allows("DESCRIBE", "TOPIC", t.name))
              return answer(ctx.apiVersion, p.partitionIndex, ErrorCode.TOPIC_AUTHORIZATION_FAILED);
            const head = topic && heads.get(`${topic.id}:${p.partitionIndex}`);
            if (!topic || !head)
              return answer(ctx.apiVersion, p.partitionIndex, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
            return listOffset(ctx, topic, head, p);
          }),
        ),
      };
    }),
  );
  return { ...defaultListOffsetsResponse(), topics: responses };
}

export const listOffsetsApi = defineApi<ListOffsetsRequest, ListOffsetsResponse>({
  apiKey: ApiKey.ListOffsets,
  minVersion: 1,
  maxVersion: 10,
  handle: listOffsets,
  errorResponse(request, errorCode, ctx) {
    return {
      ...defaultListOffsetsResponse(),
      topics: request.topics.map((t) => ({
        name: t.name,
        partitions: t.partitions.map((p) => answer(ctx.apiVersion, p.partitionIndex, errorCode)),
      })),
    };
  },
});
