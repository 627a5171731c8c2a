import {
  ApiKey,
  ErrorCode,
  defaultDescribeGroupsResponse,
  type DescribeGroupsRequest,
  type DescribeGroupsResponse,
  type DescribeGroupsResponseDescribedGroup,
} from "@streambed/protocol";
import { isInvalidGroupId } from "../groups/group-id.ts";
import { defineApi, type RequestContext } from "../server/api-handler.ts";
import { groupErrorCode } from "../groups/group-errors.ts";
import { access } from "../acl/authorize.ts";

const noOperations = -2147483648;

function emptyGroup(
  groupId: string,
  errorCode: number,
  groupState = "",
): DescribeGroupsResponseDescribedGroup {
  return {
    errorCode,
    groupId,
    groupState,
    protocolType: "",
    protocolData: "",
    members: [],
    authorizedOperations: noOperations,
  };
}

async function describe(
  groupId: string,
  ctx: RequestContext,
): Promise<DescribeGroupsResponseDescribedGroup> {
  if (!(await access(ctx)).allows("DESCRIBE", "GROUP", groupId))
    return emptyGroup(groupId, ErrorCode.GROUP_AUTHORIZATION_FAILED);
  // A KIP-848 consumer group is not a classic group (ConsumerGroupDescribe describes it).
  if (isInvalidGroupId(groupId)) return emptyGroup(groupId, ErrorCode.INVALID_GROUP_ID);
  if (await ctx.services.consumerGroups.isConsumerGroup(ctx.connection.clusterId, groupId))
    return emptyGroup(groupId, ErrorCode.NONE, "Dead");
  const result = await ctx.services.groups.describe(ctx.connection.clusterId, groupId);
  // Before v6 an unknown group is described as Dead without an error.
  if (result.error === "GROUP_ID_NOT_FOUND") return emptyGroup(groupId, ErrorCode.NONE, "Dead");
  if (result.error) return emptyGroup(groupId, groupErrorCode(result.error));
  const g = result.snapshot;
  return {
    errorCode: ErrorCode.NONE,
    groupId,
    groupState: g.state,
    protocolType: g.protocolType ?? "",
    protocolData: g.protocolName ?? "",
    members: g.members.map((m) => ({
      memberId: m.memberId,
      groupInstanceId: m.groupInstanceId,
      clientId: m.clientId,
      clientHost: m.clientHost,
      memberMetadata: Buffer.from(
        m.protocols.find((p) => p.name === g.protocolName)?.metadata ?? [],
      ),
      memberAssignment: Buffer.from(m.assignment),
    })),
    authorizedOperations: noOperations,
  };
}

export const describeGroupsApi = defineApi<DescribeGroupsRequest, DescribeGroupsResponse>({
  apiKey: ApiKey.DescribeGroups,
  minVersion: 0,
  maxVersion: 5,
  async handle(request, ctx) {
    return {
      ...defaultDescribeGroupsResponse(),
      groups: await Promise.all(request.groups.map((id) => describe(id, ctx))),
    };
  },
  errorResponse(request, errorCode) {
    return {
      ...defaultDescribeGroupsResponse(),
      groups: request.groups.map((id) => emptyGroup(id, errorCode)),
    };
  },
});
