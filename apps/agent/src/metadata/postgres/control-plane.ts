import type { ClusterSettings } from "../../server/cluster-settings.ts";
import type {
  ControlPlaneStore,
  StoredAgentKey,
  StoredKafkaCredential,
} from "../control-plane-store.ts";
import type { Queryable } from "./rows.ts";

/** What the agent reads (and marks as used) in the console's tables, in Postgres. */
export class PostgresControlPlane implements ControlPlaneStore {
  constructor(private readonly db: Queryable) {}

  async clusterSettings(clusterId: string): Promise<ClusterSettings | undefined> {
    const { rows } = await this.db.query<{
      auto_create_topics: boolean;
      default_partitions: number;
      default_retention_ms: string;
      require_sasl: boolean;
    }>(
      `SELECT auto_create_topics, default_partitions, default_retention_ms::text AS default_retention_ms, require_sasl
         FROM virtual_clusters WHERE id = $1 AND deleted_at IS NULL`,
      [clusterId],
    );
    const row = rows[0];
    if (!row) return undefined;
    return {
      autoCreateTopics: row.auto_create_topics,
      defaultPartitions: row.default_partitions,
      defaultRetentionMs: BigInt(row.default_retention_ms),
      requireSasl: row.require_sasl,
    };
  }

  async findAgentKey(keyHash: string): Promise<StoredAgentKey | undefined> {
    const { rows } = await this.db.query<{
      id: string;
      cluster_id: string;
      revoked: boolean;
      cluster_deleted: boolean;
    }>(
      `SELECT k.id, k.cluster_id, k.revoked_at IS NOT NULL AS revoked, c.deleted_at IS NOT NULL AS cluster_deleted
       FROM agent_keys k JOIN virtual_clusters c ON c.id = k.cluster_id WHERE k.key_hash = $1`,
      [keyHash],
    );
    const row = rows[0];
    if (!row) return undefined;
    return {
      id: row.id,
      clusterId: row.cluster_id,
      revoked: row.revoked,
      clusterDeleted: row.cluster_deleted,
    };
  }

  async markAgentKeyUsed(keyId: string): Promise<void> {
    await this.db.query("UPDATE agent_keys SET last_used_at = now() WHERE id = $1", [keyId]);
  }

  async findKafkaCredential(username: string): Promise<StoredKafkaCredential | undefined> {
    const { rows } = await this.db.query<{
      id: string;
      cluster_id: string;
      username: string;
      plain_hash: string;
      scram_sha256: unknown;
      scram_sha512: unknown;
    }>(
      `SELECT c.id, c.cluster_id, c.username, c.plain_hash, c.scram_sha256, c.scram_sha512
         FROM kafka_credentials c JOIN virtual_clusters v ON v.id = c.cluster_id
        WHERE c.username = $1 AND c.revoked_at IS NULL AND v.deleted_at IS NULL`,
      [username],
    );
    const row = rows[0];
    if (!row) return undefined;
    return {
      id: row.id,
      clusterId: row.cluster_id,
      username: row.username,
      plainHash: row.plain_hash,
      scramSha256: row.scram_sha256,
      scramSha512: row.scram_sha512,
    };
  }

  async markKafkaCredentialUsed(credentialId: string, minIntervalMs: number): Promise<void> {
    // The condition keeps several agents from each writing within the same interval.
    await this.db.query(
      `UPDATE kafka_credentials SET last_used_at = now()
        WHERE id = $1 AND (last_used_at IS NULL OR last_used_at < now() - make_interval(secs => $2::int / 1000.0))`,
      [credentialId, minIntervalMs],
    );
  }
}
