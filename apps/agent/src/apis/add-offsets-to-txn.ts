import {
  ApiKey,
  defaultAddOffsetsToTxnResponse,
  type AddOffsetsToTxnRequest,
  type AddOffsetsToTxnResponse,
} from "@streambed/protocol";
import { access, transactionalGroupError } from "../acl/authorize.ts";
import { defineApi } from "../server/api-handler.ts";
import { transactionErrorCode } from "../transactions/transaction-errors.ts";

/**
 * Includes a group's offsets in the transaction (Kafka adds the group's __consumer_offsets
 * partition; here the offsets wait in the metadata store until the transaction commits).
 */
export const addOffsetsToTxnApi = defineApi<AddOffsetsToTxnRequest, AddOffsetsToTxnResponse>({
  apiKey: ApiKey.AddOffsetsToTxn,
  minVersion: 0,
  maxVersion: 4,
  async handle(request, ctx) {
    const acl = await access(ctx);
    const refused = transactionalGroupError(acl, request.transactionalId, request.groupId);
    if (refused !== null) return this.errorResponse(request, refused, ctx);
    const outcome = await ctx.services.transactions.addOffsets(
      ctx.connection.clusterId,
      {
        transactionalId: request.transactionalId,
        producerId: request.producerId,
        producerEpoch: request.producerEpoch,
      },
      request.groupId,
      [],
    );
    return {
      ...defaultAddOffsetsToTxnResponse(),
      errorCode: transactionErrorCode(outcome.ok ? null : outcome.errorCode, ctx.apiVersion, 2),
    };
  },
  errorResponse(_request, errorCode) {
    return { ...defaultAddOffsetsToTxnResponse(), errorCode };
  },
});
