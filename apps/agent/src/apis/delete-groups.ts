import {
  ApiKey,
  ErrorCode,
  defaultDeleteGroupsResponse,
  type DeleteGroupsRequest,
  type DeleteGroupsResponse,
} from "@streambed/protocol";
import { isInvalidGroupId } from "../groups/group-id.ts";
import { defineApi, type RequestContext } from "../server/api-handler.ts";
import { groupErrorCode } from "../groups/group-errors.ts";
import { access } from "../acl/authorize.ts";

/** A KIP-848 consumer group must be empty; then its offsets go as a classic group's do. */
async function deleteGroup(ctx: RequestContext, groupId: string) {
  const { clusterId } = ctx.connection;
  if (!(await ctx.services.consumerGroups.isConsumerGroup(clusterId, groupId)))
    return ctx.services.groups.deleteGroup(clusterId, groupId);
  const error = await ctx.services.consumerGroups.deleteGroup(clusterId, groupId);
  if (error) return error;
  const offsets = await ctx.services.groups.deleteGroup(clusterId, groupId);
  // No offsets and no classic row: the consumer group row was all there was.
  return offsets === "GROUP_ID_NOT_FOUND" ? null : offsets;
}

export const deleteGroupsApi = defineApi<DeleteGroupsRequest, DeleteGroupsResponse>({
  apiKey: ApiKey.DeleteGroups,
  minVersion: 0,
  maxVersion: 2,
  async handle(request, ctx) {
    const acl = await access(ctx);
    const results = await Promise.all(
      request.groupsNames.map(async (groupId) => ({
        groupId,
        errorCode: isInvalidGroupId(groupId)
          ? ErrorCode.INVALID_GROUP_ID
          : !acl.allows("DELETE", "GROUP", groupId)
            ? ErrorCode.GROUP_AUTHORIZATION_FAILED
            : groupErrorCode(await deleteGroup(ctx, groupId)),
      })),
    );
    return { ...defaultDeleteGroupsResponse(), results };
  },
  errorResponse(request, errorCode) {
    return {
      ...defaultDeleteGroupsResponse(),
      results: request.groupsNames.map((groupId) => ({ groupId, errorCode })),
    };
  },
});
