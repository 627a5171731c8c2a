import {
  ErrorCode,
  ApiKey,
  defaultDescribeConfigsResponse,
  type DescribeConfigsRequest,
  type DescribeConfigsRequestResource,
  type DescribeConfigsResponse,
  type DescribeConfigsResponseResult,
} from "@streambed/protocol";
import { defineApi, type RequestContext } from "../server/api-handler.ts";
import { brokerConfigs, resolveConfigResource } from "../topics/config-resources.ts";
import { describeTopicConfigs, type DescribedConfig } from "../topics/topic-configs.ts";

function failure(
  resource: DescribeConfigsRequestResource,
  errorCode: number,
  errorMessage: string | null,
): DescribeConfigsResponseResult {
  return {
    errorCode,
    errorMessage,
    resourceType: resource.resourceType,
    resourceName: resource.resourceName,
    configs: [],
  };
}

async function describeResource(
  request: DescribeConfigsRequest,
  resource: DescribeConfigsRequestResource,
  ctx: RequestContext,
): Promise<DescribeConfigsResponseResult> {
  const resolved = await resolveConfigResource(
    ctx,
    resource.resourceType,
    resource.resourceName,
    "DESCRIBE_CONFIGS",
  );
  if ("errorCode" in resolved) return failure(resource, resolved.errorCode, resolved.errorMessage);
  const settings = await ctx.services.clusterSettings.get(ctx.connection.clusterId);
  const all: DescribedConfig[] =
    "topic" in resolved
      ? describeTopicConfigs(resolved.topic.configs, settings)
      : brokerConfigs(settings, ctx.services.config);
  const wanted =
    resource.configurationKeys === null
      ? all
      : all.filter((c) => resource.configurationKeys!.includes(c.name));
  return {
    errorCode: ErrorCode.NONE,
    errorMessage: null,
    resourceType: resource.resourceType,
    resourceName: resource.resourceName,
    configs: wanted.map((c) => ({
      name: c.name,
      value: c.value,
      readOnly: !("topic" in resolved),
      isDefault: false,
      configSource: c.configSource,
      isSensitive: false,
      synonyms: request.includeSynonyms ? c.synonyms : [],
      configType: ctx.apiVersion >= 3 ? c.type : 0,
      documentation: request.includeDocumentation ? c.documentation : null,
    })),
  };
}

export const describeConfigsApi = defineApi<DescribeConfigsRequest, DescribeConfigsResponse>({
  apiKey: ApiKey.DescribeConfigs,
  minVersion: 1,
  maxVersion: 4,
  async handle(request, ctx) {
    const results = await Promise.all(
      request.resources.map((r) => describeResource(request, r, ctx)),
    );
    return { ...defaultDescribeConfigsResponse(), results };
  },
  errorResponse(request, errorCode) {
    return {
      ...defaultDescribeConfigsResponse(),
      results: request.resources.map((r) => failure(r, errorCode, null)),
    };
  },
});
