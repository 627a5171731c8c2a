import {
  ApiKey,
  ErrorCode,
  defaultInitProducerIdResponse,
  type InitProducerIdRequest,
  type InitProducerIdResponse,
} from "@streambed/protocol";
import { defineApi } from "../server/api-handler.ts";
import { access, producerIdRefusal } from "../acl/authorize.ts";

export const initProducerIdApi = defineApi<InitProducerIdRequest, InitProducerIdResponse>({
  apiKey: ApiKey.InitProducerId,
  minVersion: 0,
  maxVersion: 5,
  async handle(request, ctx) {
    const refusal = producerIdRefusal(await access(ctx), request.transactionalId);
    if (refusal !== null) return this.errorResponse(request, refusal, ctx);
    const result = await ctx.services.producerIds.init(ctx.connection.clusterId, {
      transactionalId: request.transactionalId,
      producerId: request.producerId,
      producerEpoch: request.producerEpoch,
    });
    if (!result.ok) {
      // PRODUCER_FENCED exists from v4; older clients know it as INVALID_PRODUCER_EPOCH.
      return this.errorResponse(
        request,
        ctx.apiVersion >= 4 ? ErrorCode.PRODUCER_FENCED : ErrorCode.INVALID_PRODUCER_EPOCH,
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
