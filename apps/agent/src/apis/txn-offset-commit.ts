import {
  ApiKey,
  ErrorCode,
  defaultTxnOffsetCommitResponse,
  type TxnOffsetCommitRequest,
  type TxnOffsetCommitResponse,
} from "@streambed/protocol";
import { access, transactionalGroupError } from "../acl/authorize.ts";
import { defineApi } from "../server/api-handler.ts";
import { transactionErrorCode } from "../transactions/transaction-errors.ts";

function everyPartition(
  request: TxnOffsetCommitRequest,
  errorCode: (topic: string) => number,
): TxnOffsetCommitResponse {
  return {
    ...defaultTxnOffsetCommitResponse(),
    topics: request.topics.map((t) => ({
      name: t.name,
      partitions: t.partitions.map((p) => ({
        partitionIndex: p.partitionIndex,
        errorCode: errorCode(t.name),
      })),
    })),
  };
}

/**
 * Offsets a consume-transform-produce application commits inside its transaction: held apart and
 * written to the group only when the transaction commits (dropped when it aborts).
 */
export const txnOffsetCommitApi = defineApi<TxnOffsetCommitRequest, TxnOffsetCommitResponse>({
  apiKey: ApiKey.TxnOffsetCommit,
  minVersion: 0,
  maxVersion: 4,
  async handle(request, ctx) {
    const acl = await access(ctx);
    const refused = transactionalGroupError(acl, request.transactionalId, request.groupId);
    if (refused !== null) return this.errorResponse(request, refused, ctx);
    // As in Kafka, one unreadable topic refuses the whole commit: nothing is half-applied.
    if (request.topics.some((t) => !acl.allows("READ", "TOPIC", t.name)))
      return everyPartition(request, (topic) =>
        acl.allows("READ", "TOPIC", topic)
          ? ErrorCode.OPERATION_NOT_ATTEMPTED
          : ErrorCode.TOPIC_AUTHORIZATION_FAILED,
      );
    const offsets = request.topics.flatMap((t) =>
      t.partitions.map((p) => ({
        topic: t.name,
        partition: p.partitionIndex,
        offset: p.committedOffset,
        leaderEpoch: p.committedLeaderEpoch,
        metadata: p.committedMetadata,
      })),
    );
    const outcome = await ctx.services.transactions.addOffsets(
      ctx.connection.clusterId,
      {
        transactionalId: request.transactionalId,
        producerId: request.producerId,
        producerEpoch: request.producerEpoch,
      },
      request.groupId,
      offsets,
    );
    const code = transactionErrorCode(outcome.ok ? null : outcome.errorCode, ctx.apiVersion, 3);
    return everyPartition(request, () => code);
  },
  errorResponse(request, errorCode) {
    return everyPartition(request, () => errorCode);
  },
});
