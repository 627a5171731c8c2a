import {
  ApiKey,
  ErrorCode,
  defaultAddPartitionsToTxnResponse,
  type AddPartitionsToTxnRequest,
  type AddPartitionsToTxnRequestTransaction,
  type AddPartitionsToTxnResponse,
  type AddPartitionsToTxnResponseTopicResult,
} from "@streambed/protocol";
import { access, allowedOnCluster } from "../acl/authorize.ts";
import { defineApi, type RequestContext } from "../server/api-handler.ts";
import { transactionErrorCode } from "../transactions/transaction-errors.ts";

/** The batched form (several transactional ids, verifyOnly) exists from v4. */
const BATCHED_FROM = 4;
const FENCED_FROM = 2;

type Topics = AddPartitionsToTxnRequestTransaction["topics"];

const everyPartition = (topics: Topics, code: (topic: string, partition: number) => number) =>
  topics.map((t): AddPartitionsToTxnResponseTopicResult => ({
    name: t.name,
    resultsByPartition: t.partitions.map((partitionIndex) => ({
      partitionIndex,
      partitionErrorCode: code(t.name, partitionIndex),
    })),
  }));

/**
 * Adds one transaction's partitions. As in Kafka, when any partition is unknown nothing is added:
 * the unknown ones are UNKNOWN_TOPIC_OR_PARTITION, the rest OPERATION_NOT_ATTEMPTED.
 */
async function addPartitions(
  txn: AddPartitionsToTxnRequestTransaction,
  ctx: RequestContext,
): Promise<AddPartitionsToTxnResponseTopicResult[]> {
  const clusterId = ctx.connection.clusterId;
  if (ctx.apiVersion < BATCHED_FROM) {
    const acl = await access(ctx);
    if (!acl.allows("WRITE", "TRANSACTIONAL_ID", txn.transactionalId))
      return everyPartition(txn.topics, () => ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED);
    if (txn.topics.some((t) => !acl.allows("WRITE", "TOPIC", t.name)))
      return everyPartition(txn.topics, (name) =>
        acl.allows("WRITE", "TOPIC", name)
          ? ErrorCode.OPERATION_NOT_ATTEMPTED
          : ErrorCode.TOPIC_AUTHORIZATION_FAILED,
      );
  }
  const known = await ctx.services.topics.getMany(
    clusterId,
    txn.topics.map((t) => t.name),
  );
  const unknown = (name: string, partition: number) => {
    const topic = known.get(name);
    return !topic || partition < 0 || partition >= topic.partitionCount;
  };
  if (txn.topics.some((t) => t.partitions.some((p) => unknown(t.name, p))))
    return everyPartition(txn.topics, (name, p) =>
      unknown(name, p) ? ErrorCode.UNKNOWN_TOPIC_OR_PARTITION : ErrorCode.OPERATION_NOT_ATTEMPTED,
    );
  const refs = txn.topics.flatMap((t) =>
    t.partitions.map((partition) => ({ topicId: known.get(t.name)!.id, partition })),
  );
  const caller = {
    transactionalId: txn.transactionalId,
    producerId: txn.producerId,
    producerEpoch: txn.producerEpoch,
  };
  if (txn.verifyOnly) {
    // A broker verifying that a partition is in the transaction before taking its batch.
    const [described] = await ctx.services.metadata.transactions.describe(clusterId, [
      txn.transactionalId,
    ]);
    const inTxn = new Set(described?.partitions.map((p) => `${p.topicId}:${p.partition}`));
    const ongoing =
      described?.state === "Ongoing" &&
      described.producerId === caller.producerId &&
      described.producerEpoch === caller.producerEpoch;
    return everyPartition(txn.topics, (name, p) =>
      ongoing && inTxn.has(`${known.get(name)!.id}:${p}`)
        ? ErrorCode.NONE
        : ErrorCode.INVALID_TXN_STATE,
    );
  }
  const outcome = await ctx.services.transactions.addPartitions(clusterId, caller, refs);
  const code = transactionErrorCode(
    outcome.ok ? null : outcome.errorCode,
    ctx.apiVersion,
    FENCED_FROM,
  );
  return everyPartition(txn.topics, () => code);
}

/** The request's transactions, in the batched shape whatever the version. */
function transactionsOf(request: AddPartitionsToTxnRequest, apiVersion: number) {
  if (apiVersion >= BATCHED_FROM) return request.transactions;
  return [
    {
      transactionalId: request.v3AndBelowTransactionalId,
      producerId: request.v3AndBelowProducerId,
      producerEpoch: request.v3AndBelowProducerEpoch,
      verifyOnly: false,
      topics: request.v3AndBelowTopics,
    },
  ];
}

export const addPartitionsToTxnApi = defineApi<
  AddPartitionsToTxnRequest,
  AddPartitionsToTxnResponse
>({
  apiKey: ApiKey.AddPartitionsToTxn,
  minVersion: 0,
  // v5 (KIP-890's implicit adds) is not served.
  maxVersion: 4,
  async handle(request, ctx) {
    // The batched form is how brokers verify transactions for each other: Kafka asks CLUSTER_ACTION.
    if (ctx.apiVersion >= BATCHED_FROM && !(await allowedOnCluster(ctx, "CLUSTER_ACTION")))
      return this.errorResponse(request, ErrorCode.CLUSTER_AUTHORIZATION_FAILED, ctx);
    const transactions = transactionsOf(request, ctx.apiVersion);
    const results = await Promise.all(transactions.map((txn) => addPartitions(txn, ctx)));
    if (ctx.apiVersion < BATCHED_FROM)
      return { ...defaultAddPartitionsToTxnResponse(), resultsByTopicV3AndBelow: results[0]! };
    return {
      ...defaultAddPartitionsToTxnResponse(),
      resultsByTransaction: transactions.map((txn, i) => ({
        transactionalId: txn.transactionalId,
        topicResults: results[i]!,
      })),
    };
  },
  errorResponse(request, errorCode, ctx) {
    const transactions = transactionsOf(request, ctx.apiVersion);
    if (ctx.apiVersion < BATCHED_FROM)
      return {
        ...defaultAddPartitionsToTxnResponse(),
        resultsByTopicV3AndBelow: everyPartition(transactions[0]!.topics, () => errorCode),
      };
    return { ...defaultAddPartitionsToTxnResponse(), errorCode };
  },
});
