import {
  ApiKey,
  ErrorCode,
  defaultDeleteAclsResponse,
  type DeleteAclsRequest,
  type DeleteAclsResponse,
} from "@streambed/protocol";
import { CLUSTER_RESOURCE_NAME, bindingCodes } from "../acl/acl-binding.ts";
import { filterMatches, filterProblem } from "../acl/acl-filter.ts";
import { access } from "../acl/authorize.ts";
import { defineApi } from "../server/api-handler.ts";

/**
 * Deletes the cluster's ACLs matching each filter (ALTER on the cluster) and reports them per
 * filter; a binding several filters match is deleted once and reported under each. Audited.
 */
export const deleteAclsApi = defineApi<DeleteAclsRequest, DeleteAclsResponse>({
  apiKey: ApiKey.DeleteAcls,
  minVersion: 0,
  maxVersion: 3,
  async handle(request, ctx) {
    const acl = await access(ctx);
    if (!acl.allows("ALTER", "CLUSTER", CLUSTER_RESOURCE_NAME))
      return this.errorResponse(request, ErrorCode.CLUSTER_AUTHORIZATION_FAILED, ctx);
    const { clusterId } = ctx.connection;
    const { bindings } = await ctx.services.aclStore.clusterAcls(clusterId);
    const perFilter = request.filters.map((f) => {
      const problem = filterProblem(f);
      return {
        problem,
        matching: problem === null ? bindings.filter((b) => filterMatches(f, b)) : [],
      };
    });
    const ids = [...new Set(perFilter.flatMap((f) => f.matching.map((b) => b.id)))];
    const deleted = new Set(
      (await ctx.services.aclStore.delete(clusterId, ids, acl.requester)).map((b) => b.id),
    );
    ctx.services.acls.invalidate(clusterId);
    return {
      ...defaultDeleteAclsResponse(),
      filterResults: perFilter.map(({ problem, matching }) => ({
        errorCode: problem === null ? ErrorCode.NONE : ErrorCode.INVALID_REQUEST,
        errorMessage: problem,
        // Deleted meanwhile by someone else: gone all the same, so not reported as deleted here.
        matchingAcls: matching
          .filter((b) => deleted.has(b.id))
          .map((b) => ({ errorCode: ErrorCode.NONE, errorMessage: null, ...bindingCodes(b) })),
      })),
    };
  },
  errorResponse(request, errorCode) {
    return {
      ...defaultDeleteAclsResponse(),
      filterResults: request.filters.map(() => ({
        errorCode,
        errorMessage: null,
        matchingAcls: [],
      })),
    };
  },
});
