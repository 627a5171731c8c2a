import {
  ApiKey,
  ErrorCode,
  defaultDeleteGroupsResponse,
  type DeleteGroupsRequest,
  type DeleteGroupsResponse,
} from "@streambed/protocol";
import { defineApi } from "../server/api-handler.ts";
import { groupErrorCode } from "../groups/group-errors.ts";
import { access } from "../acl/authorize.ts";

export const deleteGroupsApi = defineApi<DeleteGroupsRequest, DeleteGroupsResponse>({
  apiKey: ApiKey.DeleteGroups,
  minVersion: 0,
  maxVersion: 2,
  async handle(request, ctx) {
    const acl = await access(ctx);
    const results = await Promise.all(
      request.groupsNames.map(async (groupId) => ({
        groupId,
        errorCode:
          groupId === ""
            ? ErrorCode.INVALID_GROUP_ID
            : !acl.allows("DELETE", "GROUP", groupId)
              ? ErrorCode.GROUP_AUTHORIZATION_FAILED
              : groupErrorCode(
                  await ctx.services.groups.deleteGroup(ctx.connection.clusterId, groupId),
                ),
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
