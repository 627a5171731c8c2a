import {
  ErrorCode,
  ApiKey,
  defaultAlterConfigsResponse,
  type AlterConfigsRequest,
  type AlterConfigsRequestResource,
  type AlterConfigsResponse,
  type AlterConfigsResponseResourceResponse,
} from "@streambed/protocol";
import { UnknownTopicError, type TopicConfigs } from "../metadata/metadata-store.ts";
import { defineApi, type RequestContext } from "../server/api-handler.ts";
import { resolveConfigResource } from "../topics/config-resources.ts";
import { InvalidTopicConfigError, validateTopicConfig } from "../topics/topic-configs.ts";

type ResourceResponse = AlterConfigsResponseResourceResponse;

function result(
  resource: AlterConfigsRequestResource,
  errorCode: number,
  errorMessage: string | null = null,
): ResourceResponse {
  return {
    errorCode,
    errorMessage,
    resourceType: resource.resourceType,
    resourceName: resource.resourceName,
  };
}

/** AlterConfigs replaces a topic's whole config set with the one given. */
async function alterResource(
  resource: AlterConfigsRequestResource,
  validateOnly: boolean,
  ctx: RequestContext,
): Promise<ResourceResponse> {
  const resolved = await resolveConfigResource(ctx, resource.resourceType, resource.resourceName);
  if ("errorCode" in resolved) return result(resource, resolved.errorCode, resolved.errorMessage);
  if ("broker" in resolved)
    return result(resource, ErrorCode.POLICY_VIOLATION, "broker configs are read-only");
  const configs: TopicConfigs = {};
  try {
    for (const { name, value } of resource.configs) {
      validateTopicConfig(name, value);
      if (value !== null) configs[name] = value;
    }
  } catch (err) {
    if (err instanceof InvalidTopicConfigError)
      return result(resource, ErrorCode.INVALID_CONFIG, err.message);
    throw err;
  }
  if (validateOnly) return result(resource, ErrorCode.NONE);
  try {
    await ctx.services.metadata.replaceTopicConfigs(
      ctx.connection.clusterId,
      resolved.topic.id,
      configs,
    );
  } catch (err) {
    if (err instanceof UnknownTopicError)
      return result(resource, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, err.message);
    throw err;
  }
  ctx.services.topics.invalidate(ctx.connection.clusterId, resolved.topic.name);
  return result(resource, ErrorCode.NONE);
}

export const alterConfigsApi = defineApi<AlterConfigsRequest, AlterConfigsResponse>({
  apiKey: ApiKey.AlterConfigs,
  minVersion: 0,
  maxVersion: 2,
  async handle(request, ctx) {
    const responses = await Promise.all(
      request.resources.map((r) => alterResource(r, request.validateOnly, ctx)),
    );
    return { ...defaultAlterConfigsResponse(), responses };
  },
  errorResponse(request, errorCode) {
    return {
      ...defaultAlterConfigsResponse(),
      responses: request.resources.map((r) => result(r, errorCode)),
    };
  },
});
