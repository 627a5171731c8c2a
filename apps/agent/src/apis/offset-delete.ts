import {
  ApiKey,
  ErrorCode,
  defaultOffsetDeleteResponse,
  type OffsetDeleteRequest,
  type OffsetDeleteResponse,
} from "@streambed/protocol";
import { isInvalidGroupId } from "../groups/group-id.ts";
import { defineApi } from "../server/api-handler.ts";
import { groupErrorCode } from "../groups/group-errors.ts";
import { hasPartition, requestedPartitions } from "../topics/requested-partitions.ts";
import { access } from "../acl/authorize.ts";

/**
 * Deletes a group's committed offsets per partition, as Kafka does: partitions of topics that do
 * not exist get UNKNOWN_TOPIC_OR_PARTITION, those of topics the group's members subscribe to
 * GROUP_SUBSCRIBED_TO_TOPIC (and keep their offsets).
 */
export const offsetDeleteApi = defineApi<OffsetDeleteRequest, OffsetDeleteResponse>({
  apiKey: ApiKey.OffsetDelete,
  minVersion: 0,
  maxVersion: 0,
  async handle(request, ctx) {
    if (isInvalidGroupId(request.groupId))
      return this.errorResponse(request, ErrorCode.INVALID_GROUP_ID, ctx);
    const acl = await access(ctx);
    if (!acl.allows("DELETE", "GROUP", request.groupId))
      return this.errorResponse(request, ErrorCode.GROUP_AUTHORIZATION_FAILED, ctx);
    const readable = (t: { name: string }) => acl.allows("READ", "TOPIC", t.name);
    const requested = await requestedPartitions(
      ctx,
      request.topics.map((t) => ({
        name: t.name,
        partitions: t.partitions.map((p) => p.partitionIndex),
      })),
    );
    const partitions = requested
      .filter(readable)
      .flatMap((t) =>
        t.partitions
          .filter((p) => hasPartition(t, p))
          .map((p) => ({ topic: t.name, partition: p })),
      );
    const { error, subscribed } = await ctx.services.groups.deleteOffsets(
      ctx.connection.clusterId,
      request.groupId,
      partitions,
    );
    if (error) return this.errorResponse(request, groupErrorCode(error), ctx);
    return {
      ...defaultOffsetDeleteResponse(),
      topics: requested.map((t) => ({
        name: t.name,
        partitions: t.partitions.map((partitionIndex) => ({
          partitionIndex,
          errorCode: !readable(t)
            ? ErrorCode.TOPIC_AUTHORIZATION_FAILED
            : !hasPartition(t, partitionIndex)
              ? ErrorCode.UNKNOWN_TOPIC_OR_PARTITION
              : subscribed.has(t.name)
                ? ErrorCode.GROUP_SUBSCRIBED_TO_TOPIC
                : ErrorCode.NONE,
        })),
      })),
    };
  },
  errorResponse(_request, errorCode) {
    return { ...defaultOffsetDeleteResponse(), errorCode };
  },
});
