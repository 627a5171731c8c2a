import {
  ApiKey,
  ErrorCode,
  defaultFindCoordinatorResponse,
  type FindCoordinatorRequest,
  type FindCoordinatorResponse,
  type FindCoordinatorResponseCoordinator,
} from "@streambed/protocol";
import { isInvalidGroupId } from "../groups/group-id.ts";
import type { LiveAgent } from "../metadata/metadata-store.ts";
import { defineApi, type RequestContext } from "../server/api-handler.ts";
import { nodeIdOf, selfBroker } from "../cluster/brokers.ts";
import { access, authorizationFailed } from "../acl/authorize.ts";

/** Group (0) and transaction (1) coordinators are both chosen by hashing the key over live agents. */
async function coordinatorFor(
  key: string,
  keyType: number,
  ctx: RequestContext,
): Promise<FindCoordinatorResponseCoordinator> {
  const result = { key, nodeId: -1, host: "", port: -1, errorMessage: null };
  if (keyType !== 0 && keyType !== 1)
    return {
      ...result,
      errorCode: ErrorCode.INVALID_REQUEST,
      errorMessage: `unknown key type ${keyType}`,
    };
  if (keyType === 0 ? isInvalidGroupId(key) : key === "")
    return { ...result, errorCode: ErrorCode.INVALID_GROUP_ID };
  const resourceType = keyType === 0 ? "GROUP" : "TRANSACTIONAL_ID";
  if (!(await access(ctx)).allows("DESCRIBE", resourceType, key))
    return { ...result, errorCode: authorizationFailed[resourceType] };
  const agent = await ctx.services.groups.coordinatorOf(ctx.connection.clusterId, key);
  const broker =
    "host" in agent
      ? {
          nodeId: nodeIdOf(agent.id),
          host: (agent as LiveAgent).host,
          port: (agent as LiveAgent).port,
        }
      : selfBroker(ctx);
  return {
    ...result,
    nodeId: broker.nodeId,
    host: broker.host,
    port: broker.port,
    errorCode: ErrorCode.NONE,
  };
}

export const findCoordinatorApi = defineApi<FindCoordinatorRequest, FindCoordinatorResponse>({
  apiKey: ApiKey.FindCoordinator,
  minVersion: 0,
  maxVersion: 6,
  async handle(request, ctx) {
    if (ctx.apiVersion >= 4) {
      const coordinators = await Promise.all(
        request.coordinatorKeys.map((key) => coordinatorFor(key, request.keyType, ctx)),
      );
      return { ...defaultFindCoordinatorResponse(), coordinators };
    }
    const c = await coordinatorFor(request.key, request.keyType, ctx);
    return {
      ...defaultFindCoordinatorResponse(),
      errorCode: c.errorCode,
      errorMessage: c.errorMessage,
      nodeId: c.nodeId,
      host: c.host,
      port: c.port,
    };
  },
  errorResponse(request, errorCode, ctx) {
    const failed = (key: string) => ({
      key,
      nodeId: -1,
      host: "",
      port: -1,
      errorCode,
      errorMessage: null,
    });
    return ctx.apiVersion >= 4
      ? { ...defaultFindCoordinatorResponse(), coordinators: request.coordinatorKeys.map(failed) }
      : { ...defaultFindCoordinatorResponse(), errorCode, nodeId: -1, host: "", port: -1 };
  },
});
