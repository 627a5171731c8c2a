import {
  ApiKey,
  ErrorCode,
  defaultEndTxnResponse,
  type EndTxnRequest,
  type EndTxnResponse,
} from "@streambed/protocol";
import { access } from "../acl/authorize.ts";
import { defineApi } from "../server/api-handler.ts";
import { transactionErrorCode } from "../transactions/transaction-errors.ts";

/** Commits or aborts: answered once every partition's marker is written and the offsets applied. */
export const endTxnApi = defineApi<EndTxnRequest, EndTxnResponse>({
  apiKey: ApiKey.EndTxn,
  minVersion: 0,
  // v5 (KIP-890: a new epoch after every transaction) is not served.
  maxVersion: 4,
  async handle(request, ctx) {
    if (!(await access(ctx)).allows("WRITE", "TRANSACTIONAL_ID", request.transactionalId))
      return this.errorResponse(request, ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED, ctx);
    const outcome = await ctx.services.transactions.endTransaction(
      ctx.connection.clusterId,
      {
        transactionalId: request.transactionalId,
        producerId: request.producerId,
        producerEpoch: request.producerEpoch,
      },
      request.committed,
    );
    return {
      ...defaultEndTxnResponse(),
      errorCode: transactionErrorCode(outcome.ok ? null : outcome.errorCode, ctx.apiVersion, 2),
      producerId: request.producerId,
      producerEpoch: request.producerEpoch,
    };
  },
  errorResponse(_request, errorCode) {
    return { ...defaultEndTxnResponse(), errorCode, producerId: -1n, producerEpoch: -1 };
  },
});
