import {
  ApiKey,
  ErrorCode,
  defaultDescribeTransactionsResponse,
  type DescribeTransactionsRequest,
  type DescribeTransactionsResponse,
} from "@streambed/protocol";
import { access } from "../acl/authorize.ts";
import { defineApi } from "../server/api-handler.ts";

/** The state of transactional ids, as kafka-transactions.sh describe shows it. */
export const describeTransactionsApi = defineApi<
  DescribeTransactionsRequest,
  DescribeTransactionsResponse
>({
  apiKey: ApiKey.DescribeTransactions,
  minVersion: 0,
  maxVersion: 0,
  async handle(request, ctx) {
    const acl = await access(ctx);
    const visible = (id: string) => acl.allows("DESCRIBE", "TRANSACTIONAL_ID", id);
    const found = await ctx.services.metadata.transactions.describe(
      ctx.connection.clusterId,
      request.transactionalIds.filter(visible),
    );
    const byId = new Map(found.map((t) => [t.transactionalId, t]));
    return {
      ...defaultDescribeTransactionsResponse(),
      transactionStates: request.transactionalIds.map((transactionalId) => {
        if (!visible(transactionalId))
          return this.errorResponse(
            { transactionalIds: [transactionalId] },
            ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED,
            ctx,
          ).transactionStates[0]!;
        const t = byId.get(transactionalId);
        if (!t)
          return {
            errorCode: ErrorCode.TRANSACTIONAL_ID_NOT_FOUND,
            transactionalId,
            transactionState: "",
            transactionTimeoutMs: 0,
            transactionStartTimeMs: -1n,
            producerId: -1n,
            producerEpoch: -1,
            topics: [],
          };
        const topics = new Map<string, number[]>();
        // As in Kafka, partitions of topics the principal may not describe are left out.
        for (const p of t.partitions.filter((p) => acl.allows("DESCRIBE", "TOPIC", p.topicName)))
          topics.set(p.topicName, [...(topics.get(p.topicName) ?? []), p.partition]);
        return {
          errorCode: ErrorCode.NONE,
          transactionalId,
          transactionState: t.state,
          transactionTimeoutMs: t.timeoutMs,
          transactionStartTimeMs: t.startTimeMs,
          producerId: t.producerId,
          producerEpoch: t.producerEpoch,
          topics: [...topics].map(([topic, partitions]) => ({ topic, partitions })),
        };
      }),
    };
  },
  errorResponse(request, errorCode) {
    return {
      ...defaultDescribeTransactionsResponse(),
      transactionStates: request.transactionalIds.map((transactionalId) => ({
        errorCode,
        transactionalId,
        transactionState: "",
        transactionTimeoutMs: 0,
        transactionStartTimeMs: -1n,
        producerId: -1n,
        producerEpoch: -1,
        topics: [],
      })),
    };
  },
});
