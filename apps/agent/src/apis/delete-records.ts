import {
  ErrorCode,
  ApiKey,
  defaultDeleteRecordsResponse,
  type DeleteRecordsRequest,
  type DeleteRecordsRequestPartition,
  type DeleteRecordsResponse,
  type DeleteRecordsResponsePartitionResult,
} from "@streambed/protocol";
import type { TopicInfo } from "../metadata/metadata-store.ts";
import { defineApi, type RequestContext } from "../server/api-handler.ts";
import { access } from "../acl/authorize.ts";

/** DeleteRecords' "up to the high watermark". */
const HIGH_WATERMARK = -1n;

type PartitionResult = DeleteRecordsResponsePartitionResult;

function result(partitionIndex: number, errorCode: number, lowWatermark = -1n): PartitionResult {
  return { partitionIndex, errorCode, lowWatermark };
}

/** Moves the partition's log start offset forward; the records below it are no longer readable. */
async function deleteBefore(
  topic: TopicInfo,
  wanted: DeleteRecordsRequestPartition,
  ctx: RequestContext,
): Promise<PartitionResult> {
  const { metadata, heads } = ctx.services;
  const clusterId = ctx.connection.clusterId;
  const ref = { topicId: topic.id, partition: wanted.partitionIndex };
  if (wanted.partitionIndex < 0 || wanted.partitionIndex >= topic.partitionCount)
    return result(wanted.partitionIndex, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
  const [head] = await metadata.partitionHeads(clusterId, [ref]);
  if (!head) return result(wanted.partitionIndex, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
  const offset = wanted.offset === HIGH_WATERMARK ? head.highWatermark : wanted.offset;
  if (offset < 0n || offset > head.highWatermark)
    return result(wanted.partitionIndex, ErrorCode.OFFSET_OUT_OF_RANGE);
  const moved = await metadata.deleteRecordsBefore(clusterId, ref, offset);
  if (!moved) return result(wanted.partitionIndex, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
  heads.apply([moved]);
  return result(wanted.partitionIndex, ErrorCode.NONE, moved.logStartOffset);
}

export const deleteRecordsApi = defineApi<DeleteRecordsRequest, DeleteRecordsResponse>({
  apiKey: ApiKey.DeleteRecords,
  minVersion: 0,
  maxVersion: 2,
  async handle(request, ctx) {
    const acl = await access(ctx);
    const known = await ctx.services.topics.getMany(
      ctx.connection.clusterId,
      request.topics.map((t) => t.name),
    );
    const topics = await Promise.all(
      request.topics.map(async (t) => {
        const topic = known.get(t.name);
        return {
          name: t.name,
          partitions: await Promise.all(
            t.partitions.map((p) =>
              !acl.allows("DELETE", "TOPIC", t.name)
                ? result(p.partitionIndex, ErrorCode.TOPIC_AUTHORIZATION_FAILED)
                : topic
                  ? deleteBefore(topic, p, ctx)
                  : result(p.partitionIndex, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION),
            ),
          ),
        };
      }),
    );
    return { ...defaultDeleteRecordsResponse(), topics };
  },
  errorResponse(request, errorCode) {
    return {
      ...defaultDeleteRecordsResponse(),
      topics: request.topics.map((t) => ({
        name: t.name,
        partitions: t.partitions.map((p) => result(p.partitionIndex, errorCode)),
      })),
    };
  },
});
