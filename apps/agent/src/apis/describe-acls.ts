import {
  ApiKey,
  ErrorCode,
  defaultDescribeAclsResponse,
  type DescribeAclsRequest,
  type DescribeAclsResponse,
  type DescribeAclsResponseResource,
} from "@streambed/protocol";
import { CLUSTER_RESOURCE_NAME, bindingCodes } from "../acl/acl-binding.ts";
import { filterMatches, filterProblem } from "../acl/acl-filter.ts";
import { access } from "../acl/authorize.ts";
import { defineApi } from "../server/api-handler.ts";

/** The cluster's ACLs matching the filter (DESCRIBE on the cluster), grouped by resource pattern. */
export const describeAclsApi = defineApi<DescribeAclsRequest, DescribeAclsResponse>({
  apiKey: ApiKey.DescribeAcls,
  minVersion: 0,
  maxVersion: 3,
  async handle(request, ctx) {
    if (!(await access(ctx)).allows("DESCRIBE", "CLUSTER", CLUSTER_RESOURCE_NAME))
      return this.errorResponse(request, ErrorCode.CLUSTER_AUTHORIZATION_FAILED, ctx);
    const problem = filterProblem(request);
    if (problem !== null)
      return {
        ...defaultDescribeAclsResponse(),
        errorCode: ErrorCode.INVALID_REQUEST,
        errorMessage: problem,
      };
    const { bindings } = await ctx.services.aclStore.clusterAcls(ctx.connection.clusterId);
    const resources = new Map<string, DescribeAclsResponseResource>();
    for (const binding of bindings.filter((b) => filterMatches(request, b))) {
      const b = bindingCodes(binding);
      const key = `${b.resourceType}\u0000${b.patternType}\u0000${b.resourceName}`;
      let resource = resources.get(key);
      if (!resource) {
        resource = {
          resourceType: b.resourceType,
          resourceName: b.resourceName,
          patternType: b.patternType,
          acls: [],
        };
        resources.set(key, resource);
      }
      resource.acls.push({
        principal: b.principal,
        host: b.host,
        operation: b.operation,
        permissionType: b.permissionType,
      });
    }
    return { ...defaultDescribeAclsResponse(), resources: [...resources.values()] };
  },
  errorResponse(_request, errorCode) {
    return { ...defaultDescribeAclsResponse(), errorCode };
  },
});
