import {
  ApiKey,
  ErrorCode,
  defaultLeaveGroupResponse,
  type LeaveGroupRequest,
  type LeaveGroupResponse,
} from "@streambed/protocol";
import { isInvalidGroupId } from "../groups/group-id.ts";
import { defineApi } from "../server/api-handler.ts";
import { groupErrorCode } from "../groups/group-errors.ts";
import { access } from "../acl/authorize.ts";

export const leaveGroupApi = defineApi<LeaveGroupRequest, LeaveGroupResponse>({
  apiKey: ApiKey.LeaveGroup,
  minVersion: 0,
  maxVersion: 5,
  async handle(request, ctx) {
    if (isInvalidGroupId(request.groupId))
      return this.errorResponse(request, ErrorCode.INVALID_GROUP_ID, ctx);
    if (!(await access(ctx)).allows("READ", "GROUP", request.groupId))
      return this.errorResponse(request, ErrorCode.GROUP_AUTHORIZATION_FAILED, ctx);
    // v3+ leaves a batch of members (static ones by instance id); before, the one member sending it.
    const batched = ctx.apiVersion >= 3;
    const leaving = batched
      ? request.members.map((m) => ({ memberId: m.memberId, groupInstanceId: m.groupInstanceId }))
      : [{ memberId: request.memberId, groupInstanceId: null }];
    const result = await ctx.services.groups.leave(
      ctx.connection.clusterId,
      request.groupId,
      leaving,
    );
    const members = result.members.map((m) => ({
      memberId: m.memberId,
      groupInstanceId: m.groupInstanceId,
      errorCode: groupErrorCode(m.error),
    }));
    if (batched)
      return { ...defaultLeaveGroupResponse(), errorCode: groupErrorCode(result.error), members };
    return {
      ...defaultLeaveGroupResponse(),
      errorCode: result.error
        ? groupErrorCode(result.error)
        : (members[0]?.errorCode ?? ErrorCode.NONE),
    };
  },
  errorResponse(_request, errorCode) {
    return { ...defaultLeaveGroupResponse(), errorCode };
  },
});
