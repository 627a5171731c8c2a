import {
  ApiKey,
  ErrorCode,
  defaultCreateAclsResponse,
  type CreateAclsRequest,
  type CreateAclsResponse,
} from "@streambed/protocol";
import { CLUSTER_RESOURCE_NAME, type AclBinding } from "../acl/acl-binding.ts";
import { bindingToCreate } from "../acl/acl-filter.ts";
import { access } from "../acl/authorize.ts";
import { defineApi } from "../server/api-handler.ts";

/**
 * Stores ACLs of the connection's cluster (ALTER on the cluster, as in Kafka). Each creation is
 * checked on its own (INVALID_REQUEST with the reason); the valid ones are stored together and
 * audited. Every agent drops its cached decisions on the change notification.
 */
export const createAclsApi = defineApi<CreateAclsRequest, CreateAclsResponse>({
  apiKey: ApiKey.CreateAcls,
  minVersion: 0,
  maxVersion: 3,
  async handle(request, ctx) {
    const acl = await access(ctx);
    if (!acl.allows("ALTER", "CLUSTER", CLUSTER_RESOURCE_NAME))
      return this.errorResponse(request, ErrorCode.CLUSTER_AUTHORIZATION_FAILED, ctx);
    const checked = request.creations.map(bindingToCreate);
    const valid = checked.filter((c): c is AclBinding => typeof c !== "string");
    await ctx.services.aclStore.create(ctx.connection.clusterId, valid, acl.requester);
    ctx.services.acls.invalidate(ctx.connection.clusterId);
    return {
      ...defaultCreateAclsResponse(),
      results: checked.map((c) =>
        typeof c === "string"
          ? { errorCode: ErrorCode.INVALID_REQUEST, errorMessage: c }
          : { errorCode: ErrorCode.NONE, errorMessage: null },
      ),
    };
  },
  errorResponse(request, errorCode) {
    return {
      ...defaultCreateAclsResponse(),
      results: request.creations.map(() => ({ errorCode, errorMessage: null })),
    };
  },
});
