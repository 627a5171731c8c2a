import {
  ApiKey,
  defaultIncrementalAlterConfigsResponse,
  type IncrementalAlterConfigsRequest,
  type IncrementalAlterConfigsRequestAlterConfigsResource,
  type IncrementalAlterConfigsResponse,
  type IncrementalAlterConfigsResponseAlterConfigsResourceResponse,
} from "@streambed/protocol";
import type { TopicConfigs } from "../metadata/metadata-store.ts";
import { defineApi, type RequestContext } from "../server/api-handler.ts";
import type { ClusterSettings } from "../server/cluster-settings.ts";
import { alterTopicConfigs } from "../topics/alter-topic-configs.ts";
import { configResourceResult } from "../topics/config-resources.ts";
import { topicConfigDefinitions } from "@streambed/protocol/configs/topic-configs";
import {
  InvalidTopicConfigError,
  defaultTopicConfig,
  validateTopicConfig,
} from "../topics/topic-configs.ts";

type Resource = IncrementalAlterConfigsRequestAlterConfigsResource;
type ResourceResponse = IncrementalAlterConfigsResponseAlterConfigsResourceResponse;

/** Kafka's AlterConfigOp.OpType. */
const OpType = { SET: 0, DELETE: 1, APPEND: 2, SUBTRACT: 3 } as const;

/** The changes (string = set, null = back to default) the operations amount to. */
function changesOf(
  resource: Resource,
  current: TopicConfigs,
  settings: ClusterSettings,
): Record<string, string | null> {
  const changes: Record<string, string | null> = {};
  for (const { name, configOperation, value } of resource.configs) {
    if (name in changes)
      throw new InvalidTopicConfigError(name, `Config ${name} is named more than once`);
    validateTopicConfig(name, null);
    if (configOperation === OpType.SET) {
      if (value === null) throw new InvalidTopicConfigError(name, `SET of ${name} needs a value`);
      validateTopicConfig(name, value);
      changes[name] = value;
    } else if (configOperation === OpType.DELETE) {
      changes[name] = null;
    } else if (configOperation === OpType.APPEND || configOperation === OpType.SUBTRACT) {
      if (topicConfigDefinitions[name]!.type !== "list")
        throw new InvalidTopicConfigError(
          name,
          `Config value append is not allowed for config key: ${name}`,
        );
      const items = (current[name] ?? defaultTopicConfig(name, settings) ?? "")
        .split(",")
        .filter((v) => v !== "");
      const given = (value ?? "").split(",").filter((v) => v !== "");
      const next =
        configOperation === OpType.APPEND
          ? [...items, ...given.filter((v) => !items.includes(v))]
          : items.filter((v) => !given.includes(v));
      const joined = next.join(",");
      validateTopicConfig(name, joined);
      changes[name] = joined;
    } else {
      throw new InvalidTopicConfigError(name, `Unknown operation ${configOperation} on ${name}`);
    }
  }
  return changes;
}

async function alterResource(
  resource: Resource,
  validateOnly: boolean,
  ctx: RequestContext,
): Promise<ResourceResponse> {
  const clusterId = ctx.connection.clusterId;
  const outcome = await alterTopicConfigs(
    ctx,
    resource,
    validateOnly,
    async (topic) =>
      changesOf(resource, topic.configs, await ctx.services.clusterSettings.get(clusterId)),
    (topic, changes) => ctx.services.metadata.updateTopicConfigs(clusterId, topic.id, changes),
  );
  return configResourceResult(resource, outcome.errorCode, outcome.errorMessage);
}

export const incrementalAlterConfigsApi = defineApi<
  IncrementalAlterConfigsRequest,
  IncrementalAlterConfigsResponse
>({
  apiKey: ApiKey.IncrementalAlterConfigs,
  minVersion: 0,
  maxVersion: 1,
  async handle(request, ctx) {
    const responses = await Promise.all(
      request.resources.map((r) => alterResource(r, request.validateOnly, ctx)),
    );
    return { ...defaultIncrementalAlterConfigsResponse(), responses };
  },
  errorResponse(request, errorCode) {
    return {
      ...defaultIncrementalAlterConfigsResponse(),
      responses: request.resources.map((r) => configResourceResult(r, errorCode)),
    };
  },
});
