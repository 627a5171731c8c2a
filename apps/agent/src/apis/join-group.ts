import {
  ApiKey,
  ErrorCode,
  defaultJoinGroupResponse,
  type JoinGroupRequest,
  type JoinGroupResponse,
} from "@streambed/protocol";
import { isInvalidGroupId } from "../groups/group-id.ts";
import { defineApi } from "../server/api-handler.ts";
import { clientHost, groupErrorCode } from "../groups/group-errors.ts";
import { access } from "../acl/authorize.ts";

export const joinGroupApi = defineApi<JoinGroupRequest, JoinGroupResponse>({
  apiKey: ApiKey.JoinGroup,
  // Kafka 4 dropped JoinGroup v0-1.
  minVersion: 2,
  maxVersion: 9,
  async handle(request, ctx) {
    if (isInvalidGroupId(request.groupId))
      return this.errorResponse(request, ErrorCode.INVALID_GROUP_ID, ctx);
    if (!(await access(ctx)).allows("READ", "GROUP", request.groupId))
      return this.errorResponse(request, ErrorCode.GROUP_AUTHORIZATION_FAILED, ctx);
    // A KIP-848 consumer group with members keeps its id (INCONSISTENT_GROUP_PROTOCOL).
    const taken = await ctx.services.consumerGroups.yieldToClassic(
      ctx.connection.clusterId,
      request.groupId,
    );
    if (taken) return this.errorResponse(request, groupErrorCode(taken), ctx);
    const result = await ctx.services.groups.join(ctx.connection.clusterId, request.groupId, {
      memberId: request.memberId,
      groupInstanceId: request.groupInstanceId,
      clientId: ctx.clientId ?? "",
      clientHost: clientHost(ctx),
      sessionTimeoutMs: request.sessionTimeoutMs,
      rebalanceTimeoutMs:
        request.rebalanceTimeoutMs < 0 ? request.sessionTimeoutMs : request.rebalanceTimeoutMs,
      protocolType: request.protocolType,
      protocols: request.protocols.map((p) => ({ name: p.name, metadata: p.metadata })),
      // Since v4 a new member first learns its id (MEMBER_ID_REQUIRED) and joins again with it.
      requireKnownMemberId: ctx.apiVersion >= 4,
    });
    return {
      ...defaultJoinGroupResponse(),
      errorCode: groupErrorCode(result.error),
      generationId: result.generationId,
      protocolType: result.protocolType,
      // Non-nullable before v7.
      protocolName: ctx.apiVersion >= 7 ? result.protocolName : (result.protocolName ?? ""),
      leader: result.leaderId,
      memberId: result.memberId,
      members: result.members.map((m) => ({
        memberId: m.memberId,
        groupInstanceId: m.groupInstanceId,
        metadata: Buffer.from(m.metadata),
      })),
    };
  },
  errorResponse(request, errorCode) {
    return {
      ...defaultJoinGroupResponse(),
      errorCode,
      generationId: -1,
      memberId: request.memberId,
    };
  },
});
