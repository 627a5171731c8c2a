import {
  ApiKey,
  defaultListGroupsResponse,
  type ListGroupsRequest,
  type ListGroupsResponse,
} from "@streambed/protocol";
import { defineApi } from "../server/api-handler.ts";

export const listGroupsApi = defineApi<ListGroupsRequest, ListGroupsResponse>({
  apiKey: ApiKey.ListGroups,
  minVersion: 0,
  maxVersion: 5,
  async handle(request, ctx) {
    // Every group here is a classic group; a types filter without "classic" matches none.
    const types = request.typesFilter.map((t) => t.toLowerCase());
    if (types.length > 0 && !types.includes("classic")) return defaultListGroupsResponse();
    const groups = await ctx.services.groups.list(ctx.connection.clusterId, request.statesFilter);
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
