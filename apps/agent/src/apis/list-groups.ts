import {
  ApiKey,
  defaultListGroupsResponse,
  type ListGroupsRequest,
  type ListGroupsResponse,
} from "@streambed/protocol";
import { defineApi } from "../server/api-handler.ts";
import { CLUSTER_RESOURCE_NAME } from "../acl/acl-binding.ts";
import { access } from "../acl/authorize.ts";

export const listGroupsApi = defineApi<ListGroupsRequest, ListGroupsResponse>({
  apiKey: ApiKey.ListGroups,
  minVersion: 0,
  maxVersion: 5,
  async handle(request, ctx) {
    // Every group here is a classic group; a types filter without "classic" matches none.
    const types = request.typesFilter.map((t) => t.toLowerCase());
    if (types.length > 0 && !types.includes("classic")) return defaultListGroupsResponse();
    const acl = await access(ctx);
    // DESCRIBE on the cluster lists every group; otherwise the groups the principal may describe.
    const listsAll = acl.allows("DESCRIBE", "CLUSTER", CLUSTER_RESOURCE_NAME);
    const groups = (
      await ctx.services.groups.list(ctx.connection.clusterId, request.statesFilter)
    ).filter((g) => listsAll || acl.allows("DESCRIBE", "GROUP", g.groupId));
    return {
      ...defaultListGroupsResponse(),
      groups: groups.map((g) => ({
        groupId: g.groupId,
        protocolType: g.protocolType ?? "",
        groupState: g.state,
        groupType: "classic",
      })),
    };
  },
  errorResponse(_request, errorCode) {
    return { ...defaultListGroupsResponse(), errorCode };
  },
});
