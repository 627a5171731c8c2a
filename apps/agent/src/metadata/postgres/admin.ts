import type { ActiveProducer, AdminStore } from "../admin-store.ts";
import type { PartitionRef } from "../metadata-store.ts";
import { type Queryable, refArrays } from "./rows.ts";

/** The admin APIs' reads (DescribeLogDirs, DescribeProducers) over the data-plane tables. */
export class PostgresAdminStore implements AdminStore {
  constructor(private readonly db: Queryable) {}

  async partitionSizes(
    clusterId: string,
    partitions: readonly PartitionRef[],
  ): Promise<(PartitionRef & { bytes: bigint })[]> {
    if (partitions.length === 0) return [];
    const { rows } = await this.db.query<{ topic_id: string; partition: number; bytes: string }>(
      `SELECT u.topic_id, u.partition, COALESCE(sum(i.byte_length), 0)::text AS bytes
         FROM unnest($2::uuid[], $3::int[]) AS u(topic_id, partition)
         LEFT JOIN partition_index i
           ON i.topic_id = u.topic_id AND i.partition = u.partition AND i.cluster_id = $1
        GROUP BY u.topic_id, u.partition`,
      [clusterId, ...refArrays(partitions)],
    );
    return rows.map((r) => ({
      topicId: r.topic_id,
      partition: r.partition,
      bytes: BigInt(r.bytes),
    }));
  }

  async activeProducers(
    clusterId: string,
    partitions: readonly PartitionRef[],
  ): Promise<ActiveProducer[]> {
    if (partitions.length === 0) return [];
    const { rows } = await this.db.query<{
      topic_id: string;
      partition: number;
      producer_id: string;
      producer_epoch: number;
      last_sequence: number;
      last_commit_ms: string;
    }>(
      `SELECT s.topic_id, s.partition, s.producer_id::text, s.producer_epoch, s.last_sequence,
              (extract(epoch FROM s.updated_at) * 1000)::bigint::text AS last_commit_ms
         FROM producer_partition_states s
         JOIN unnest($2::uuid[], $3::int[]) AS u(topic_id, partition)
           ON s.topic_id = u.topic_id AND s.partition = u.partition
        WHERE s.cluster_id = $1
        ORDER BY s.producer_id`,
      [clusterId, ...refArrays(partitions)],
    );
    return rows.map((r) => ({
      topicId: r.topic_id,
      partition: r.partition,
      producerId: BigInt(r.producer_id),
      producerEpoch: r.producer_epoch,
      lastSequence: r.last_sequence,
      lastCommitMs: BigInt(r.last_commit_ms),
    }));
  }
}
