import type {
  ConsumerGroupSnapshot,
  ConsumerGroupState,
} from "../../groups/consumer-protocol/consumer-group-types.ts";
import type { ConsumerGroupListing, ConsumerGroupStore } from "../consumer-group-store.ts";
import type { Queryable } from "./rows.ts";

/** KIP-848 consumer groups in Postgres (consumer_protocol_groups), one json snapshot per group. */
export class PostgresConsumerGroupStore implements ConsumerGroupStore {
  constructor(private readonly db: Queryable) {}

  async load(clusterId: string, groupId: string): Promise<ConsumerGroupSnapshot | null> {
    const { rows } = await this.db.query<{ snapshot: ConsumerGroupSnapshot }>(
      `SELECT snapshot FROM consumer_protocol_groups WHERE cluster_id = $1 AND group_id = $2`,
      [clusterId, groupId],
    );
    return rows[0]?.snapshot ?? null;
  }

  async save(
    clusterId: string,
    snapshot: ConsumerGroupSnapshot,
    state: ConsumerGroupState,
  ): Promise<void> {
    await this.db.query(
      `INSERT INTO consumer_protocol_groups (cluster_id, group_id, group_epoch, assignment_epoch, state, snapshot, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, now())
       ON CONFLICT (cluster_id, group_id) DO UPDATE SET
         group_epoch = EXCLUDED.group_epoch, assignment_epoch = EXCLUDED.assignment_epoch,
         state = EXCLUDED.state, snapshot = EXCLUDED.snapshot, updated_at = EXCLUDED.updated_at`,
      [
        clusterId,
        snapshot.groupId,
        snapshot.groupEpoch,
        snapshot.assignmentEpoch,
        state,
        JSON.stringify(snapshot),
      ],
    );
  }

  async delete(clusterId: string, groupId: string): Promise<void> {
    await this.db.query(
      `DELETE FROM consumer_protocol_groups WHERE cluster_id = $1 AND group_id = $2`,
      [clusterId, groupId],
    );
  }

  async list(clusterId: string): Promise<ConsumerGroupListing[]> {
    const { rows } = await this.db.query<{ group_id: string; state: ConsumerGroupState }>(
      `SELECT group_id, state FROM consumer_protocol_groups WHERE cluster_id = $1 ORDER BY group_id`,
      [clusterId],
    );
    return rows.map((r) => ({ groupId: r.group_id, state: r.state }));
  }
}
