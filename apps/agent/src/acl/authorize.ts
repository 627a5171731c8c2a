import { ErrorCode } from "@streambed/protocol";
import type { RequestContext } from "../server/api-handler.ts";
import {
  CLUSTER_RESOURCE_NAME,
  type AclOperationName,
  type AclResourceType,
} from "./acl-binding.ts";
import type { ConnectionAccess } from "./acl-cache.ts";
import { isInvalidGroupId } from "../groups/group-id.ts";

/**
 * What the request's connection may do. Handlers await this once, then check each resource:
 * `(await access(ctx)).allows("WRITE", "TOPIC", name)`. Kafka's rules for the transaction APIs:
 * WRITE on the TRANSACTIONAL_ID for AddPartitionsToTxn, AddOffsetsToTxn, EndTxn and
 * TxnOffsetCommit, plus WRITE on each TOPIC (AddPartitionsToTxn), READ on the GROUP
 * (AddOffsetsToTxn, TxnOffsetCommit) and READ on each TOPIC (TxnOffsetCommit); DESCRIBE on the
 * TRANSACTIONAL_ID for DescribeTransactions and to be listed by ListTransactions.
 */
export function access(ctx: RequestContext): ConnectionAccess | Promise<ConnectionAccess> {
  return ctx.services.acls.accessFor(ctx.connection);
}

/** Kafka's error code for a resource type the principal may not use. */
export const authorizationFailed: Record<AclResourceType, number> = {
  TOPIC: ErrorCode.TOPIC_AUTHORIZATION_FAILED,
  GROUP: ErrorCode.GROUP_AUTHORIZATION_FAILED,
  CLUSTER: ErrorCode.CLUSTER_AUTHORIZATION_FAILED,
  TRANSACTIONAL_ID: ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED,
};

/** Kafka's rule for creating a topic (CreateTopics, auto-creation): CREATE on the cluster or on it. */
export function mayCreateTopic(acl: ConnectionAccess, name: string): boolean {
  return (
    acl.allows("CREATE", "CLUSTER", CLUSTER_RESOURCE_NAME) || acl.allows("CREATE", "TOPIC", name)
  );
}

/**
 * InitProducerId (Kafka's rule): a transactional producer needs WRITE on its transactional id;
 * an idempotent one IDEMPOTENT_WRITE on the cluster or WRITE on some topic (KIP-679). Returns
 * the error code to answer with, or null when allowed.
 */
export function producerIdRefusal(
  acl: ConnectionAccess,
  transactionalId: string | null,
): number | null {
  if (transactionalId !== null)
    return acl.allows("WRITE", "TRANSACTIONAL_ID", transactionalId)
      ? null
      : ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED;
  return acl.allows("IDEMPOTENT_WRITE", "CLUSTER", CLUSTER_RESOURCE_NAME) ||
    acl.allowsSome("WRITE", "TOPIC")
    ? null
    : ErrorCode.CLUSTER_AUTHORIZATION_FAILED;
}

/** Whether the connection may do `operation` on the cluster resource. */
export async function allowedOnCluster(
  ctx: RequestContext,
  operation: AclOperationName,
): Promise<boolean> {
  return (await access(ctx)).allows(operation, "CLUSTER", CLUSTER_RESOURCE_NAME);
}

/**
 * The error of a request that brings a group's offsets into a transaction (AddOffsetsToTxn,
 * TxnOffsetCommit), checked in Kafka's order before anything is read; null when it may go on.
 */
export function transactionalGroupError(
  acl: ConnectionAccess,
  transactionalId: string,
  groupId: string,
): number | null {
  if (!acl.allows("WRITE", "TRANSACTIONAL_ID", transactionalId))
    return ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED;
  if (!acl.allows("READ", "GROUP", groupId)) return ErrorCode.GROUP_AUTHORIZATION_FAILED;
  if (isInvalidGroupId(groupId)) return ErrorCode.INVALID_GROUP_ID;
  return null;
}
