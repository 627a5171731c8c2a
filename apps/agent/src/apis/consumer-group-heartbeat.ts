import { randomUUID } from "node:crypto";
import {
  ApiKey,
  ErrorCode,
  defaultConsumerGroupHeartbeatResponse,
  type ConsumerGroupHeartbeatRequest,
  type ConsumerGroupHeartbeatResponse,
} from "@streambed/protocol";
import { isInvalidGroupId } from "../groups/group-id.ts";
import { access } from "../acl/authorize.ts";
import { defineApi } from "../server/api-handler.ts";
import { clientHost, groupErrorCode } from "../groups/group-errors.ts";
import { fromPairs, toPairs } from "../groups/consumer-protocol/assignment.ts";

/** KIP-848: the one request of a consumer-protocol member (join, heartbeat, reconcile, leave). */
export const consumerGroupHeartbeatApi = defineApi<
  ConsumerGroupHeartbeatRequest,
  ConsumerGroupHeartbeatResponse
>({
  apiKey: ApiKey.ConsumerGroupHeartbeat,
  minVersion: 0,
  maxVersion: 1,
  async handle(request, ctx) {
    if (isInvalidGroupId(request.groupId))
      return this.errorResponse(request, ErrorCode.INVALID_GROUP_ID, ctx);
    if (!(await access(ctx)).allows("READ", "GROUP", request.groupId))
      return this.errorResponse(request, ErrorCode.GROUP_AUTHORIZATION_FAILED, ctx);
    // v1 members choose their id (a UUID); v0 members joining get one from the coordinator.
    if (request.memberId === "" && (ctx.apiVersion >= 1 || request.memberEpoch !== 0))
      return {
        ...this.errorResponse(request, ErrorCode.INVALID_REQUEST, ctx),
        errorMessage: "MemberId can't be empty",
      };
    const result = await ctx.services.consumerGroups.heartbeat(
      ctx.connection.clusterId,
      request.groupId,
      {
        memberId: request.memberId === "" ? randomUUID() : request.memberId,
        memberEpoch: request.memberEpoch,
        instanceId: request.instanceId,
        rackId: request.rackId,
        rebalanceTimeoutMs: request.rebalanceTimeoutMs,
        subscribedTopicNames: request.subscribedTopicNames,
        subscribedTopicRegex: request.subscribedTopicRegex,
        serverAssignor: request.serverAssignor,
        ownedPartitions: request.topicPartitions && fromPairs(request.topicPartitions),
        clientId: ctx.clientId ?? "",
        clientHost: clientHost(ctx),
      },
    );
    if (result.error)
      return {
        ...this.errorResponse(request, groupErrorCode(result.error), ctx),
        errorMessage: result.message,
      };
    return {
      ...defaultConsumerGroupHeartbeatResponse(),
      memberId: result.memberId,
      memberEpoch: result.memberEpoch,
      heartbeatIntervalMs: result.heartbeatIntervalMs,
      assignment: result.assignment && { topicPartitions: toPairs(result.assignment) },
    };
  },
  errorResponse(_request, errorCode) {
    return { ...defaultConsumerGroupHeartbeatResponse(), errorCode };
  },
});
