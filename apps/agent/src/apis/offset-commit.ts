import {
  ApiKey,
  ErrorCode,
  defaultOffsetCommitResponse,
  type OffsetCommitRequest,
  type OffsetCommitResponse,
} from "@streambed/protocol";
import { isInvalidGroupId } from "../groups/group-id.ts";
import { defineApi } from "../server/api-handler.ts";
import { groupErrorCode } from "../groups/group-errors.ts";
import { access } from "../acl/authorize.ts";

/** Kafka's offset.metadata.max.bytes default. */
const maxMetadataBytes = 4096;

function everyPartition(
  request: OffsetCommitRequest,
  errorCode: (metadata: string | null, topic: string) => number,
): OffsetCommitResponse {
  return {
    ...defaultOffsetCommitResponse(),
    topics: request.topics.map((t) => ({
      name: t.name,
      partitions: t.partitions.map((p) => ({
        partitionIndex: p.partitionIndex,
        errorCode: errorCode(p.committedMetadata, t.name),
      })),
    })),
  };
}

const tooLarge = (metadata: string | null) =>
  metadata !== null && Buffer.byteLength(metadata) > maxMetadataBytes;

export const offsetCommitApi = defineApi<OffsetCommitRequest, OffsetCommitResponse>({
  apiKey: ApiKey.OffsetCommit,
  // Kafka 4 dropped OffsetCommit v0-1.
  minVersion: 2,
  maxVersion: 9,
  async handle(request, ctx) {
    if (isInvalidGroupId(request.groupId))
      return this.errorResponse(request, ErrorCode.INVALID_GROUP_ID, ctx);
    const acl = await access(ctx);
    if (!acl.allows("READ", "GROUP", request.groupId))
      return this.errorResponse(request, ErrorCode.GROUP_AUTHORIZATION_FAILED, ctx);
    const readable = (topic: string) => acl.allows("READ", "TOPIC", topic);
    const offsets = request.topics
      .filter((t) => readable(t.name))
      .flatMap((t) =>
        t.partitions
          .filter((p) => !tooLarge(p.committedMetadata))
          .map((p) => ({
            topic: t.name,
            partition: p.partitionIndex,
            offset: p.committedOffset,
            leaderEpoch: p.committedLeaderEpoch,
            metadata: p.committedMetadata,
          })),
      );
    const { clusterId } = ctx.connection;
    // A KIP-848 consumer group checks the member epoch instead of a generation.
    const error = (await ctx.services.consumerGroups.isConsumerGroup(clusterId, request.groupId))
      ? await ctx.services.consumerGroups.commitOffsets(
          clusterId,
          request.groupId,
          { memberId: request.memberId, memberEpoch: request.generationIdOrMemberEpoch },
          offsets,
        )
      : await ctx.services.groups.commitOffsets(
          clusterId,
          request.groupId,
          {
            memberId: request.memberId,
            groupInstanceId: request.groupInstanceId,
            generationId: request.generationIdOrMemberEpoch,
          },
          offsets,
        );
    return everyPartition(request, (metadata, topic) =>
      !readable(topic)
        ? ErrorCode.TOPIC_AUTHORIZATION_FAILED
        : error
          ? groupErrorCode(error)
          : tooLarge(metadata)
            ? ErrorCode.OFFSET_METADATA_TOO_LARGE
            : ErrorCode.NONE,
    );
  },
  errorResponse(request, errorCode) {
    return everyPartition(request, () => errorCode);
  },
});
