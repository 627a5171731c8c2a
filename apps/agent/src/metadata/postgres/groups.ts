import type { GroupSnapshot, GroupState, MemberSnapshot } from "../../groups/group-types.ts";
import type { CommittedOffset, GroupListing, GroupStore, PartitionLag } from "../group-store.ts";
import { named } from "./named-params.ts";
import type { Queryable } from "./rows.ts";

/** A member as stored in consumer_groups.members (JSON): its bytes in base64. */
type StoredMember = Omit<MemberSnapshot, "protocols" | "assignment"> & {
  protocols: { name: string; metadata: string }[];
  assignment: string;
};

const b64 = (bytes: Uint8Array) => Buffer.from(bytes).toString("base64");
const bytes = (text: string) => new Uint8Array(Buffer.from(text, "base64"));
/** Kafka strings are opaque (NUL included), so they are kept as their UTF-8 bytes. */
const utf8Bytes = (text: string | null) => (text === null ? null : Buffer.from(text, "utf8"));
const utf8Text = (bytes: Buffer | null) => (bytes === null ? null : bytes.toString("utf8"));

function toStored(m: MemberSnapshot): StoredMember {
  return {
    ...m,
    protocols: m.protocols.map((p) => ({ name: p.name, metadata: b64(p.metadata) })),
    assignment: b64(m.assignment),
  };
}

function fromStored(m: StoredMember): MemberSnapshot {
  return {
    ...m,
    protocols: m.protocols.map((p) => ({ name: p.name, metadata: bytes(p.metadata) })),
    assignment: bytes(m.assignment),
  };
}

/**
 * Consumer groups and committed offsets in Postgres (consumer_groups, committed_offsets), so
 * whichever agent coordinates a group next finds its members and offsets.
 */
export class PostgresGroupStore implements GroupStore {
  constructor(private readonly db: Queryable) {}

  async load(clusterId: string, groupId: string): Promise<GroupSnapshot | null> {
    const { rows } = await this.db.query<{
      protocol_type: Buffer | null;
      protocol_name: Buffer | null;
      state: GroupState;
      generation_id: number;
      leader_id: Buffer | null;
      members: StoredMember[];
    }>(
      `SELECT protocol_type, protocol_name, state, generation_id, leader_id, members
         FROM consumer_groups WHERE cluster_id = $1 AND group_id = $2`,
      [clusterId, groupId],
    );
    const row = rows[0];
    if (!row) return null;
    return {
      groupId,
      state: row.state,
      generationId: row.generation_id,
      protocolType: utf8Text(row.protocol_type),
      protocolName: utf8Text(row.protocol_name),
      leaderId: utf8Text(row.leader_id),
      members: row.members.map(fromStored),
    };
  }

  async save(
    clusterId: string,
    s: GroupSnapshot,
    expectedGeneration: number | null,
  ): Promise<boolean> {
    const columns = {
      clusterId,
      groupId: s.groupId,
      protocolType: utf8Bytes(s.protocolType),
      protocolName: utf8Bytes(s.protocolName),
      state: s.state,
      generationId: s.generationId,
      leaderId: utf8Bytes(s.leaderId),
      members: JSON.stringify(s.members.map(toStored)),
    };
    const { text, values } =
      expectedGeneration === null
        ? named(
            `INSERT INTO consumer_groups (cluster_id, group_id, protocol_type, protocol_name, state, generation_id, leader_id, members, updated_at)
             VALUES (:clusterId, :groupId, :protocolType, :protocolName, :state, :generationId, :leaderId, :members, now())
             ON CONFLICT (cluster_id, group_id) DO NOTHING`,
            columns,
          )
        : named(
            `UPDATE consumer_groups SET protocol_type = :protocolType, protocol_name = :protocolName, state = :state,
                    generation_id = :generationId, leader_id = :leaderId, members = :members, updated_at = now()
              WHERE cluster_id = :clusterId AND group_id = :groupId AND generation_id = :expectedGeneration`,
            { ...columns, expectedGeneration },
          );
    const { rowCount } = await this.db.query(text, values);
    return (rowCount ?? 0) > 0;
  }

  /** Removes the group and its committed offsets. */
  async delete(clusterId: string, groupId: string): Promise<void> {
    await this.db.query(
      `WITH offsets AS (DELETE FROM committed_offsets WHERE cluster_id = $1 AND group_id = $2)
       DELETE FROM consumer_groups WHERE cluster_id = $1 AND group_id = $2`,
      [clusterId, groupId],
    );
  }

  /** Every group of the cluster: those with a row, and those that only have committed offsets (as Empty). */
  async list(clusterId: string): Promise<GroupListing[]> {
    const { rows } = await this.db.query<{
      group_id: string;
      protocol_type: Buffer | null;
      state: GroupState;
    }>(
      `SELECT group_id, protocol_type, state FROM consumer_groups WHERE cluster_id = $1
       UNION
       SELECT DISTINCT o.group_id, NULL::bytea, 'Empty' FROM committed_offsets o
        WHERE o.cluster_id = $1 AND NOT EXISTS (SELECT 1 FROM consumer_groups g WHERE g.cluster_id = $1 AND g.group_id = o.group_id)
       ORDER BY group_id`,
      [clusterId],
    );
    return rows.map((r) => ({
      groupId: r.group_id,
      protocolType: utf8Text(r.protocol_type),
      state: r.state,
    }));
  }

  /** Stores the offsets in one statement. */
  async commitOffsets(
    clusterId: string,
    groupId: string,
    offsets: readonly CommittedOffset[],
    generationId?: number,
  ): Promise<boolean> {
    if (offsets.length === 0) return true;
    const { rowCount } = await this.db.query(
      `INSERT INTO committed_offsets (cluster_id, group_id, topic, partition, committed_offset, leader_epoch, metadata, committed_at)
       SELECT $1, $2, t, p, o, e, m, now() FROM unnest($3::text[], $4::int[], $5::bigint[], $6::int[], $7::bytea[]) AS x(t, p, o, e, m)
        WHERE $8::int IS NULL OR EXISTS (SELECT 1 FROM consumer_groups g
                WHERE g.cluster_id = $1 AND g.group_id = $2 AND g.generation_id = $8)
       ON CONFLICT (cluster_id, group_id, topic, partition) DO UPDATE SET
         committed_offset = EXCLUDED.committed_offset, leader_epoch = EXCLUDED.leader_epoch,
         metadata = EXCLUDED.metadata, committed_at = EXCLUDED.committed_at`,
      [
        clusterId,
        groupId,
        offsets.map((o) => o.topic),
        offsets.map((o) => o.partition),
        offsets.map((o) => o.offset.toString()),
        offsets.map((o) => o.leaderEpoch),
        offsets.map((o) => utf8Bytes(o.metadata)),
        generationId ?? null,
      ],
    );
    return (rowCount ?? 0) > 0;
  }

  /** Committed offsets of the group: all of them, or those of the given topics. */
  async fetchOffsets(
    clusterId: string,
    groupId: string,
    topics: readonly string[] | null,
  ): Promise<CommittedOffset[]> {
    const { rows } = await this.db.query<{
      topic: string;
      partition: number;
      committed_offset: bigint;
      leader_epoch: number;
      metadata: Buffer | null;
    }>(
      `SELECT topic, partition, committed_offset, leader_epoch, metadata FROM committed_offsets
        WHERE cluster_id = $1 AND group_id = $2 AND ($3::text[] IS NULL OR topic = ANY($3))
        ORDER BY topic, partition`,
      [clusterId, groupId, topics],
    );
    return rows.map((r) => ({
      topic: r.topic,
      partition: r.partition,
      offset: BigInt(r.committed_offset),
      leaderEpoch: r.leader_epoch,
      metadata: utf8Text(r.metadata),
    }));
  }

  async deleteOffsets(
    clusterId: string,
    groupId: string,
    partitions: readonly { topic: string; partition: number }[],
  ): Promise<void> {
    if (partitions.length === 0) return;
    await this.db.query(
      `DELETE FROM committed_offsets o USING unnest($3::text[], $4::int[]) AS x(t, p)
        WHERE o.cluster_id = $1 AND o.group_id = $2 AND o.topic = x.t AND o.partition = x.p`,
      [clusterId, groupId, partitions.map((p) => p.topic), partitions.map((p) => p.partition)],
    );
  }

  /** Consumer lag per committed partition (for the console), against the partitions' high watermarks. */
  async lag(clusterId: string, groupId: string): Promise<PartitionLag[]> {
    const { rows } = await this.db.query<{
      topic: string;
      partition: number;
      committed_offset: bigint;
      high_watermark: bigint;
    }>(
      `SELECT o.topic, o.partition, o.committed_offset, p.next_offset AS high_watermark
         FROM committed_offsets o
         JOIN topics t ON t.cluster_id = o.cluster_id AND t.name = o.topic
         JOIN partitions p ON p.topic_id = t.id AND p.partition = o.partition
        WHERE o.cluster_id = $1 AND o.group_id = $2
        ORDER BY o.topic, o.partition`,
      [clusterId, groupId],
    );
    return rows.map((r) => {
      const committedOffset = BigInt(r.committed_offset);
      const highWatermark = BigInt(r.high_watermark);
      const lag = highWatermark - committedOffset;
      return {
        topic: r.topic,
        partition: r.partition,
        committedOffset,
        highWatermark,
        lag: lag > 0n ? lag : 0n,
      };
    });
  }
}
