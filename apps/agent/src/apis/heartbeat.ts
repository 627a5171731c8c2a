import {
  ApiKey,
  ErrorCode,
  defaultHeartbeatResponse,
  type HeartbeatRequest,
  type HeartbeatResponse,
} from "@streambed/protocol";
import { isInvalidGroupId } from "../groups/group-id.ts";
import { defineApi } from "../server/api-handler.ts";
import { groupErrorCode } from "../groups/group-errors.ts";
import { access } from "../acl/authorize.ts";

export const heartbeatApi = defineApi<HeartbeatRequest, HeartbeatResponse>({
  apiKey: ApiKey.Heartbeat,
  minVersion: 0,
  maxVersion: 4,
  async handle(request, ctx) {
    if (isInvalidGroupId(request.groupId))
      return this.errorResponse(request, ErrorCode.INVALID_GROUP_ID, ctx);
    if (!(await access(ctx)).allows("READ", "GROUP", request.groupId))
      return this.errorResponse(request, ErrorCode.GROUP_AUTHORIZATION_FAILED, ctx);
    const error = await ctx.services.groups.heartbeat(ctx.connection.clusterId, request.groupId, {
      memberId: request.memberId,
      groupInstanceId: request.groupInstanceId,
      generationId: request.generationId,
    });
    return { ...defaultHeartbeatResponse(), errorCode: groupErrorCode(error) };
  },
  errorResponse(_request, errorCode) {
    return { ...defaultHeartbeatResponse(), errorCode };
  },
});
