import {
  ApiKey,
  defaultListGroupsResponse,
  type ListGroupsRequest,
  type ListGroupsResponse,
  type ListGroupsResponseListedGroup,
} from "@streambed/protocol";
import { defineApi } from "../server/api-handler.ts";
import { CLUSTER_RESOURCE_NAME } from "../acl/acl-binding.ts";
import { access } from "../acl/authorize.ts";

export const listGroupsApi = defineApi<ListGroupsRequest, ListGroupsResponse>({
  apiKey: ApiKey.ListGroups,
  minVersion: 0,
  maxVersion: 5,
  async handle(request, ctx) {
    const { clusterId } = ctx.connection;
    // v5 filters by type: "classic" or "consumer" (KIP-848); no filter lists both.
    const types = request.typesFilter.map((t) => t.toLowerCase());
    const acl = await access(ctx);
    // DESCRIBE on the cluster lists every group; otherwise the groups the principal may describe.
    const listsAll = acl.allows("DESCRIBE", "CLUSTER", CLUSTER_RESOURCE_NAME);
    const wanted = (type: string) => types.length === 0 || types.includes(type);
    const states = new Set(request.statesFilter.map((s) => s.toLowerCase()));
    const consumerGroups = await ctx.services.consumerGroups.list(clusterId);
    const consumer: ListGroupsResponseListedGroup[] = wanted("consumer")
      ? consumerGroups
          .filter((g) => states.size === 0 || states.has(g.state.toLowerCase()))
          .map((g) => ({
            groupId: g.groupId,
            protocolType: "consumer",
            groupState: g.state,
            groupType: "consumer",
          }))
      : [];
    // An id a consumer group took over may still have the classic group's (empty) row.
    const taken = new Set(consumerGroups.map((g) => g.groupId));
    const classic: ListGroupsResponseListedGroup[] = wanted("classic")
      ? (await ctx.services.groups.list(clusterId, request.statesFilter))
          .filter((g) => !taken.has(g.groupId))
          .map((g) => ({
            groupId: g.groupId,
            protocolType: g.protocolType ?? "",
            groupState: g.state,
            groupType: "classic",
          }))
      : [];
    return {
      ...defaultListGroupsResponse(),
      groups: [...classic, ...consumer].filter(
        (g) => listsAll || acl.allows("DESCRIBE", "GROUP", g.groupId),
      ),
    };
  },
  errorResponse(_request, errorCode) {
    return { ...defaultListGroupsResponse(), errorCode };
  },
});
