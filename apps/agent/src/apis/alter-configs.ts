import {
  ApiKey,
  defaultAlterConfigsResponse,
  type AlterConfigsRequest,
  type AlterConfigsRequestResource,
  type AlterConfigsResponse,
  type AlterConfigsResponseResourceResponse,
} from "@streambed/protocol";
import type { TopicConfigs } from "../metadata/metadata-store.ts";
import { defineApi, type RequestContext } from "../server/api-handler.ts";
import { alterTopicConfigs } from "../topics/alter-topic-configs.ts";
import { configResourceResult } from "../topics/config-resources.ts";
import { validateTopicConfig } from "../topics/topic-configs.ts";

type ResourceResponse = AlterConfigsResponseResourceResponse;

/** AlterConfigs replaces a topic's whole config set with the one given. */
async function alterResource(
  resource: AlterConfigsRequestResource,
  validateOnly: boolean,
  ctx: RequestContext,
): Promise<ResourceResponse> {
  const outcome = await alterTopicConfigs(
    ctx,
    resource,
    validateOnly,
    async () => {
      const configs: TopicConfigs = {};
      for (const { name, value } of resource.configs) {
        validateTopicConfig(name, value);
        if (value !== null) configs[name] = value;
      }
      return configs;
    },
    (topic, configs) =>
      ctx.services.metadata.replaceTopicConfigs(ctx.connection.clusterId, topic.id, configs),
  );
  return configResourceResult(resource, outcome.errorCode, outcome.errorMessage);
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
      responses: request.resources.map((r) => configResourceResult(r, errorCode)),
    };
  },
});
