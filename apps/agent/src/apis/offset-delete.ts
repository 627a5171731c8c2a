import {
  ApiKey,
  ErrorCode,
  defaultOffsetDeleteResponse,
  type OffsetDeleteRequest,
  type OffsetDeleteResponse,
} from "@streambed/protocol";
import { defineApi } from "../server/api-handler.ts";
import { groupErrorCode } from "../groups/group-errors.ts";

export const offsetDeleteApi = defineApi<OffsetDeleteRequest, OffsetDeleteResponse>({
  apiKey: ApiKey.OffsetDelete,
  minVersion: 0,
  maxVersion: 0,
  async handle(request, ctx) {
    if (request.groupId === "") return this.errorResponse(request, ErrorCode.INVALID_GROUP_ID, ctx);
    const partitions = request.topics.flatMap((t) =>
      t.partitions.map((p) => ({ topic: t.name, partition: p.partitionIndex })),
    );
    const { error, subscribed } = await ctx.services.groups.deleteOffsets(
      ctx.connection.clusterId,
      request.groupId,
      partitions,
    );
    if (error) return this.errorResponse(request, groupErrorCode(error), ctx);
    return {
      ...defaultOffsetDeleteResponse(),
      topics: request.topics.map((t) => ({
        name: t.name,
        partitions: t.partitions.map((p) => ({
          partitionIndex: p.partitionIndex,
          errorCode: subscribed.has(t.name) ? ErrorCode.GROUP_SUBSCRIBED_TO_TOPIC : ErrorCode.NONE,
        })),
      })),
    };
  },
  errorResponse(_request, errorCode) {
    return { ...defaultOffsetDeleteResponse(), errorCode };
  },
});
