import {
  ErrorCode,
  ApiKey,
  defaultDescribeLogDirsResponse,
  type DescribeLogDirsRequest,
  type DescribeLogDirsResponse,
} from "@streambed/protocol";
import { defineApi } from "../server/api-handler.ts";
import { clusterViewFor, partitionReplicas, selfBroker } from "../cluster/brokers.ts";
import { hasPartition, requestedPartitions } from "../topics/requested-partitions.ts";
import { allowedOnCluster } from "../acl/authorize.ts";

/** Kafka's answer for volume sizes it cannot tell; object storage has no volume. */
const UNKNOWN_VOLUME_BYTES = -1n;

/**
 * Each broker reports the replicas it holds; here a partition's only replica is its leader, so
 * an agent reports the partitions it leads and a client asking every broker sees each once. The
 * size is what object storage holds for the partition (the byte ranges of its index rows), in
 * one "log dir" standing for the cluster's bucket.
 */
export const describeLogDirsApi = defineApi<DescribeLogDirsRequest, DescribeLogDirsResponse>({
  apiKey: ApiKey.DescribeLogDirs,
  minVersion: 1,
  maxVersion: 4,
  async handle(request, ctx) {
    if (!(await allowedOnCluster(ctx, "DESCRIBE")))
      return this.errorResponse(request, ErrorCode.CLUSTER_AUTHORIZATION_FAILED, ctx);
    const [requested, view] = await Promise.all([
      requestedPartitions(
        ctx,
        request.topics?.map((t) => ({ name: t.topic, partitions: t.partitions })) ?? null,
      ),
      clusterViewFor(ctx),
    ]);
    const self = selfBroker(ctx).nodeId;
    const led = requested.flatMap((t) =>
      t.partitions
        .filter(
          (p) => hasPartition(t, p) && partitionReplicas(view, t.topic!.id, p).leaderId === self,
        )
        .map((p) => ({ name: t.name, topicId: t.topic!.id, partition: p })),
    );
    const sizes = await ctx.services.admin.partitionSizes(ctx.connection.clusterId, led);
    const sizeOf = new Map(sizes.map((s) => [`${s.topicId}:${s.partition}`, s.bytes]));
    const byTopic = new Map<string, { partitionIndex: number; partitionSize: bigint }[]>();
    for (const p of led) {
      const list = byTopic.get(p.name) ?? [];
      list.push({
        partitionIndex: p.partition,
        partitionSize: sizeOf.get(`${p.topicId}:${p.partition}`) ?? 0n,
      });
      byTopic.set(p.name, list);
    }
    return {
      ...defaultDescribeLogDirsResponse(),
      results: [
        {
          errorCode: 0,
          logDir: `/object-storage/${ctx.connection.clusterId}`,
          totalBytes: UNKNOWN_VOLUME_BYTES,
          usableBytes: UNKNOWN_VOLUME_BYTES,
          topics: [...byTopic].map(([name, partitions]) => ({
            name,
            partitions: partitions.map((p) => ({ ...p, offsetLag: 0n, isFutureKey: false })),
          })),
        },
      ],
    };
  },
  errorResponse(_request, errorCode) {
    return { ...defaultDescribeLogDirsResponse(), errorCode };
  },
});
