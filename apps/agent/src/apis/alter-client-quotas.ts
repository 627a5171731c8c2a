import {
  ApiKey,
  ErrorCode,
  defaultAlterClientQuotasResponse,
  type AlterClientQuotasRequest,
  type AlterClientQuotasResponse,
} from "@streambed/protocol";
import { defineApi } from "../server/api-handler.ts";
import {
  canonicalEntity,
  entityProblem,
  quotaValueProblem,
} from "../quotas/client-quota-entity.ts";
import { allowedOnCluster } from "../acl/authorize.ts";

/**
 * Stores client quotas per entity, as Kafka does: each entry is checked on its own (INVALID_REQUEST
 * with Kafka's reason), the valid ones are applied together unless validateOnly.
 */
export const alterClientQuotasApi = defineApi<AlterClientQuotasRequest, AlterClientQuotasResponse>({
  apiKey: ApiKey.AlterClientQuotas,
  minVersion: 0,
  maxVersion: 1,
  async handle(request, ctx) {
    if (!(await allowedOnCluster(ctx, "ALTER_CONFIGS")))
      return this.errorResponse(request, ErrorCode.CLUSTER_AUTHORIZATION_FAILED, ctx);
    const checked = request.entries.map((entry) => {
      const problem =
        entityProblem(entry.entity) ??
        entry.ops.reduce<string | null>(
          (found, op) => found ?? quotaValueProblem(entry.entity, op.key, op.value, op.remove),
          null,
        ) ??
        (new Set(entry.ops.map((op) => op.key)).size !== entry.ops.length
          ? "Duplicate quota key in one entry"
          : null);
      return { entry, problem };
    });
    const valid = checked.filter((c) => c.problem === null);
    if (!request.validateOnly && valid.length > 0)
      await ctx.services.quotas.alter(
        ctx.connection.clusterId,
        valid.map(({ entry }) => ({ entity: canonicalEntity(entry.entity), ops: entry.ops })),
      );
    if (!request.validateOnly && valid.length > 0)
      ctx.services.quotaEnforcer.changed(ctx.connection.clusterId);
    return {
      ...defaultAlterClientQuotasResponse(),
      entries: checked.map(({ entry, problem }) => ({
        errorCode: problem === null ? ErrorCode.NONE : ErrorCode.INVALID_REQUEST,
        errorMessage: problem,
        entity: entry.entity.map((p) => ({ entityType: p.entityType, entityName: p.entityName })),
      })),
    };
  },
  errorResponse(request, errorCode) {
    return {
      ...defaultAlterClientQuotasResponse(),
      entries: request.entries.map((entry) => ({
        errorCode,
        errorMessage: null,
        entity: entry.entity.map((p) => ({ entityType: p.entityType, entityName: p.entityName })),
      })),
    };
  },
});
