import {
  ApiKey,
  defaultTxnOffsetCommitResponse,
  type TxnOffsetCommitRequest,
  type TxnOffsetCommitResponse,
} from "@streambed/protocol";
import { defineApi } from "../server/api-handler.ts";
import { transactionErrorCode } from "../transactions/transaction-errors.ts";

function everyPartition(
  request: TxnOffsetCommitRequest,
  errorCode: number,
): TxnOffsetCommitResponse {
  return {
    ...defaultTxnOffsetCommitResponse(),
    topics: request.topics.map((t) => ({
      name: t.name,
      partitions: t.partitions.map((p) => ({ partitionIndex: p.partitionIndex, errorCode })),
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
    return everyPartition(
      request,
      transactionErrorCode(outcome.ok ? null : outcome.errorCode, ctx.apiVersion, 3),
    );
  },
  errorResponse(request, errorCode) {
    return everyPartition(request, errorCode);
  },
});
