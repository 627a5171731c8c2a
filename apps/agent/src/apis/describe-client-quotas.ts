import {
  ApiKey,
  ErrorCode,
  defaultDescribeClientQuotasResponse,
  type DescribeClientQuotasRequest,
  type DescribeClientQuotasResponse,
} from "@streambed/protocol";
import { defineApi } from "../server/api-handler.ts";
import { filterProblem, matchesFilter } from "../quotas/client-quota-entity.ts";
import { allowedOnCluster } from "../acl/authorize.ts";

/** The stored client quotas whose entity matches the filter (KIP-546 semantics). */
export const describeClientQuotasApi = defineApi<
  DescribeClientQuotasRequest,
  DescribeClientQuotasResponse
>({
  apiKey: ApiKey.DescribeClientQuotas,
  minVersion: 0,
  maxVersion: 1,
  async handle(request, ctx) {
    if (!(await allowedOnCluster(ctx, "DESCRIBE_CONFIGS")))
      return this.errorResponse(request, ErrorCode.CLUSTER_AUTHORIZATION_FAILED, ctx);
    const problem = filterProblem(request.components);
    if (problem)
      return {
        ...defaultDescribeClientQuotasResponse(),
        errorCode: ErrorCode.INVALID_REQUEST,
        errorMessage: problem,
        entries: null,
      };
    const quotas = await ctx.services.quotas.list(ctx.connection.clusterId);
    return {
      ...defaultDescribeClientQuotasResponse(),
      entries: quotas.filter((q) => matchesFilter(q.entity, request.components, request.strict)),
    };
  },
  errorResponse(_request, errorCode) {
    return { ...defaultDescribeClientQuotasResponse(), errorCode, entries: null };
  },
});
