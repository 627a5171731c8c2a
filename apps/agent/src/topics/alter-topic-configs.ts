import { ErrorCode } from "@streambed/protocol";
import { UnknownTopicError, type TopicInfo } from "../metadata/metadata-store.ts";
import type { RequestContext } from "../server/api-handler.ts";
import { resolveConfigResource } from "./config-resources.ts";
import { InvalidTopicConfigError } from "./topic-configs.ts";

export interface AlterOutcome {
  errorCode: number;
  errorMessage: string | null;
}

/**
 * One resource of AlterConfigs or IncrementalAlterConfigs, the course both take: resolve it
 * (broker configs are read-only), work out the change (`plan` throws InvalidTopicConfigError for
 * INVALID_CONFIG), stop there when only validating, `apply` it (a topic deleted meanwhile is
 * UNKNOWN_TOPIC_OR_PARTITION) and forget this agent's cached copy of the topic.
 */
export async function alterTopicConfigs<Change>(
  ctx: RequestContext,
  resource: { resourceType: number; resourceName: string },
  validateOnly: boolean,
  plan: (topic: TopicInfo) => Promise<Change>,
  apply: (topic: TopicInfo, change: Change) => Promise<unknown>,
): Promise<AlterOutcome> {
  const outcome = (errorCode: number, errorMessage: string | null = null) => ({
    errorCode,
    errorMessage,
  });
  const resolved = await resolveConfigResource(
    ctx,
    resource.resourceType,
    resource.resourceName,
    "ALTER_CONFIGS",
  );
  if ("errorCode" in resolved) return outcome(resolved.errorCode, resolved.errorMessage);
  if ("broker" in resolved)
    return outcome(ErrorCode.POLICY_VIOLATION, "broker configs are read-only");
  const topic = resolved.topic;
  let change: Change;
  try {
    change = await plan(topic);
  } catch (err) {
    if (err instanceof InvalidTopicConfigError)
      return outcome(ErrorCode.INVALID_CONFIG, err.message);
    throw err;
  }
  if (validateOnly) return outcome(ErrorCode.NONE);
  try {
    await apply(topic, change);
  } catch (err) {
    if (err instanceof UnknownTopicError)
      return outcome(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, err.message);
    throw err;
  }
  ctx.services.topics.invalidate(ctx.connection.clusterId, topic.name);
  return outcome(ErrorCode.NONE);
}
