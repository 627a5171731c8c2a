import {
  ApiKey,
  defaultListTransactionsResponse,
  type ListTransactionsRequest,
  type ListTransactionsResponse,
} from "@streambed/protocol";
import { access } from "../acl/authorize.ts";
import { defineApi } from "../server/api-handler.ts";
import { transactionStateNames } from "../metadata/transaction-store.ts";

/** Transactional ids of the cluster, filtered by state, producer id and (v1) open duration. */
export const listTransactionsApi = defineApi<ListTransactionsRequest, ListTransactionsResponse>({
  apiKey: ApiKey.ListTransactions,
  minVersion: 0,
  maxVersion: 1,
  async handle(request, ctx) {
    const known = new Set<string>(transactionStateNames);
    const acl = await access(ctx);
    const listed = await ctx.services.metadata.transactions.list(ctx.connection.clusterId, {
      states: request.stateFilters.filter((s) => known.has(s)),
      producerIds: request.producerIdFilters,
      minDurationMs: ctx.apiVersion >= 1 ? request.durationFilter : -1n,
    });
    const transactions = listed.filter((t) =>
      acl.allows("DESCRIBE", "TRANSACTIONAL_ID", t.transactionalId),
    );
    const unknownStateFilters = request.stateFilters.filter((s) => !known.has(s));
    // Only unknown states asked for: nothing matches.
    const none =
      unknownStateFilters.length > 0 && unknownStateFilters.length === request.stateFilters.length;
    return {
      ...defaultListTransactionsResponse(),
      unknownStateFilters,
      transactionStates: none
        ? []
        : transactions.map((t) => ({
            transactionalId: t.transactionalId,
            producerId: t.producerId,
            transactionState: t.state,
          })),
    };
  },
  errorResponse(_request, errorCode) {
    return { ...defaultListTransactionsResponse(), errorCode };
  },
});
