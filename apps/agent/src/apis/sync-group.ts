import {
  ApiKey,
  ErrorCode,
  defaultSyncGroupResponse,
  type SyncGroupRequest,
  type SyncGroupResponse,
} from "@streambed/protocol";
import { isInvalidGroupId } from "../groups/group-id.ts";
import { defineApi } from "../server/api-handler.ts";
import { groupErrorCode } from "../groups/group-errors.ts";
import { access } from "../acl/authorize.ts";

export const syncGroupApi = defineApi<SyncGroupRequest, SyncGroupResponse>({
  apiKey: ApiKey.SyncGroup,
  minVersion: 0,
  maxVersion: 5,
  async handle(request, ctx) {
    if (isInvalidGroupId(request.groupId))
      return this.errorResponse(request, ErrorCode.INVALID_GROUP_ID, ctx);
    if (!(await access(ctx)).allows("READ", "GROUP", request.groupId))
      return this.errorResponse(request, ErrorCode.GROUP_AUTHORIZATION_FAILED, ctx);
    const result = await ctx.services.groups.sync(ctx.connection.clusterId, request.groupId, {
      memberId: request.memberId,
      groupInstanceId: request.groupInstanceId,
      generationId: request.generationId,
      protocolType: request.protocolType,
      protocolName: request.protocolName,
      assignments: request.assignments.map((a) => ({
        memberId: a.memberId,
        assignment: a.assignment,
      })),
    });
    return {
      ...defaultSyncGroupResponse(),
      errorCode: groupErrorCode(result.error),
      protocolType: result.protocolType,
      protocolName: result.protocolName,
      assignment: Buffer.from(result.assignment),
    };
  },
  errorResponse(_request, errorCode) {
    return { ...defaultSyncGroupResponse(), errorCode };
  },
});
