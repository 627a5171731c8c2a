import {
  ApiKey,
  ErrorCode,
  defaultConsumerGroupDescribeResponse,
  type ConsumerGroupDescribeRequest,
  type ConsumerGroupDescribeResponse,
  type ConsumerGroupDescribeResponseDescribedGroup,
} from "@streambed/protocol";
import { isInvalidGroupId } from "../groups/group-id.ts";
import { access } from "../acl/authorize.ts";
import { defineApi, type RequestContext } from "../server/api-handler.ts";
import { groupErrorCode } from "../groups/group-errors.ts";
import { toPairs, type Assignment } from "../groups/consumer-protocol/assignment.ts";

const noOperations = -2147483648;

function failed(
  groupId: string,
  errorCode: number,
  errorMessage: string | null = null,
): ConsumerGroupDescribeResponseDescribedGroup {
  return {
    errorCode,
    errorMessage,
    groupId,
    groupState: "",
    groupEpoch: -1,
    assignmentEpoch: -1,
    assignorName: "",
    members: [],
    authorizedOperations: noOperations,
  };
}

async function describe(
  groupId: string,
  ctx: RequestContext,
): Promise<ConsumerGroupDescribeResponseDescribedGroup> {
  if (!(await access(ctx)).allows("DESCRIBE", "GROUP", groupId))
    return failed(groupId, ErrorCode.GROUP_AUTHORIZATION_FAILED);
  if (isInvalidGroupId(groupId)) return failed(groupId, ErrorCode.INVALID_GROUP_ID);
  const result = await ctx.services.consumerGroups.describe(ctx.connection.clusterId, groupId);
  if (result.error === "GROUP_ID_NOT_FOUND")
    return failed(
      groupId,
      ErrorCode.GROUP_ID_NOT_FOUND,
      `group ${groupId} is not a consumer group`,
    );
  if (result.error) return failed(groupId, groupErrorCode(result.error));
  const g = result.snapshot;
  const names = new Map(g.subscribedTopics.map((t) => [t.id, t.name]));
  const described = (a: Assignment) => ({
    topicPartitions: toPairs(a).map((p) => ({ ...p, topicName: names.get(p.topicId) ?? "" })),
  });
  return {
    errorCode: ErrorCode.NONE,
    errorMessage: null,
    groupId,
    groupState: result.state,
    groupEpoch: g.groupEpoch,
    assignmentEpoch: g.assignmentEpoch,
    assignorName: result.assignorName,
    members: g.members.map((m) => ({
      memberId: m.memberId,
      instanceId: m.instanceId,
      rackId: m.rackId,
      memberEpoch: m.memberEpoch,
      clientId: m.clientId,
      clientHost: m.clientHost,
      subscribedTopicNames: m.subscribedTopicNames,
      subscribedTopicRegex: m.subscribedTopicRegex,
      assignment: described(m.assigned),
      targetAssignment: described(g.targetAssignment[m.memberId] ?? {}),
    })),
    authorizedOperations: noOperations,
  };
}

export const consumerGroupDescribeApi = defineApi<
  ConsumerGroupDescribeRequest,
  ConsumerGroupDescribeResponse
>({
  apiKey: ApiKey.ConsumerGroupDescribe,
  minVersion: 0,
  maxVersion: 0,
  async handle(request, ctx) {
    return {
      ...defaultConsumerGroupDescribeResponse(),
      groups: await Promise.all(request.groupIds.map((id) => describe(id, ctx))),
    };
  },
  errorResponse(request, errorCode) {
    return {
      ...defaultConsumerGroupDescribeResponse(),
      groups: request.groupIds.map((id) => failed(id, errorCode)),
    };
  },
});
