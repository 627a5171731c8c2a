import {
  ApiKey,
  ErrorCode,
  defaultDescribeProducersResponse,
  type DescribeProducersRequest,
  type DescribeProducersResponse,
} from "@streambed/protocol";
import { defineApi } from "../server/api-handler.ts";
import { clusterViewFor, partitionReplicas, selfBroker } from "../cluster/brokers.ts";
import { hasPartition, requestedPartitions } from "../topics/requested-partitions.ts";
import { access } from "../acl/authorize.ts";

/**
 * The idempotent producers each partition has accepted batches from. Asked of the partition's
 * leader, as Kafka requires (NOT_LEADER_OR_FOLLOWER elsewhere). currentTxnStartOffset is the first
 * offset of the producer's open transaction in the partition (-1: none); there is one transaction
 * coordinator, the metadata store, so no coordinator epoch (-1); lastTimestamp is the commit time
 * of the producer's last batch.
 */
export const describeProducersApi = defineApi<DescribeProducersRequest, DescribeProducersResponse>({
  apiKey: ApiKey.DescribeProducers,
  minVersion: 0,
  maxVersion: 0,
  async handle(request, ctx) {
    const [requested, view, acl] = await Promise.all([
      requestedPartitions(
        ctx,
        request.topics.map((t) => ({ name: t.name, partitions: t.partitionIndexes })),
      ),
      clusterViewFor(ctx),
      access(ctx),
    ]);
    const self = selfBroker(ctx).nodeId;
    const errorOf = (t: (typeof requested)[number], p: number) =>
      !acl.allows("READ", "TOPIC", t.name)
        ? ErrorCode.TOPIC_AUTHORIZATION_FAILED
        : !hasPartition(t, p)
          ? ErrorCode.UNKNOWN_TOPIC_OR_PARTITION
          : partitionReplicas(view, t.topic.id, p).leaderId !== self
            ? ErrorCode.NOT_LEADER_OR_FOLLOWER
            : ErrorCode.NONE;
    const answerable = requested.flatMap((t) =>
      t.partitions
        .filter((p) => errorOf(t, p) === ErrorCode.NONE)
        .map((p) => ({ topicId: t.topic!.id, partition: p })),
    );
    const [producers, openStarts] = await Promise.all([
      ctx.services.admin.activeProducers(ctx.connection.clusterId, answerable),
      ctx.services.metadata.transactions.openTransactionStarts(
        ctx.connection.clusterId,
        answerable,
      ),
    ]);
    const txnStart = new Map(
      openStarts.map((s) => [`${s.producerId}:${s.topicId}:${s.partition}`, s.firstOffset]),
    );
    return {
      ...defaultDescribeProducersResponse(),
      topics: requested.map((t) => ({
        name: t.name,
        partitions: t.partitions.map((partitionIndex) => {
          const errorCode = errorOf(t, partitionIndex);
          return {
            partitionIndex,
            errorCode,
            errorMessage: null,
            activeProducers:
              errorCode !== ErrorCode.NONE
                ? []
                : producers
                    .filter((s) => s.topicId === t.topic!.id && s.partition === partitionIndex)
                    .map((s) => ({
                      producerId: s.producerId,
                      producerEpoch: s.producerEpoch,
                      lastSequence: s.lastSequence,
                      lastTimestamp: s.lastCommitMs,
                      coordinatorEpoch: -1,
                      currentTxnStartOffset:
                        txnStart.get(`${s.producerId}:${s.topicId}:${s.partition}`) ?? -1n,
                    })),
          };
        }),
      })),
    };
  },
  errorResponse(request, errorCode) {
    return {
      ...defaultDescribeProducersResponse(),
      topics: request.topics.map((t) => ({
        name: t.name,
        partitions: t.partitionIndexes.map((partitionIndex) => ({
          partitionIndex,
          errorCode,
          errorMessage: null,
          activeProducers: [],
        })),
      })),
    };
  },
});
