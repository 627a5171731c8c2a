import {
  ApiKey,
  ErrorCode,
  defaultInitProducerIdResponse,
  type InitProducerIdRequest,
  type InitProducerIdResponse,
} from "@streambed/protocol";
import { defineApi } from "../server/api-handler.ts";
import { access, producerIdRefusal } from "../acl/authorize.ts";
import { MAX_TRANSACTION_TIMEOUT_MS } from "../transactions/transaction-coordinator.ts";

export const initProducerIdApi = defineApi<InitProducerIdRequest, InitProducerIdResponse>({
  apiKey: ApiKey.InitProducerId,
  minVersion: 0,
  maxVersion: 5,
  async handle(request, ctx) {
    const refusal = producerIdRefusal(await access(ctx), request.transactionalId);
    if (refusal !== null) return this.errorResponse(request, refusal, ctx);
    const clusterId = ctx.connection.clusterId;
    const ids = { producerId: request.producerId, producerEpoch: request.producerEpoch };
    if (
      request.transactionalId !== null &&
      (request.transactionTimeoutMs <= 0 ||
        request.transactionTimeoutMs > MAX_TRANSACTION_TIMEOUT_MS)
    )
      return this.errorResponse(request, ErrorCode.INVALID_TRANSACTION_TIMEOUT, ctx);
    const result =
      request.transactionalId === null
        ? await ctx.services.producerIds.init(clusterId, { transactionalId: null, ...ids })
        : await ctx.services.transactions.initProducerId(clusterId, {
            transactionalId: request.transactionalId,
            timeoutMs: request.transactionTimeoutMs,
            ...ids,
          });
    if (!result.ok) {
      // PRODUCER_FENCED exists from v4; older clients know it as INVALID_PRODUCER_EPOCH.
      const fenced =
        ctx.apiVersion >= 4 ? ErrorCode.PRODUCER_FENCED : ErrorCode.INVALID_PRODUCER_EPOCH;
      return this.errorResponse(
        request,
        result.errorCode === "PRODUCER_FENCED" ? fenced : ErrorCode[result.errorCode],
        ctx,
      );
    }
    return {
      ...defaultInitProducerIdResponse(),
      producerId: result.producerId,
      producerEpoch: result.producerEpoch,
    };
  },
  errorResponse(_request, errorCode) {
    return { ...defaultInitProducerIdResponse(), errorCode, producerId: -1n, producerEpoch: -1 };
  },
});
