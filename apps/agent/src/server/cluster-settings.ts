import type pg from "pg";

/** The settings of a virtual cluster that change how the agent answers (set in the console). */
export interface ClusterSettings {
  autoCreateTopics: boolean;
  defaultPartitions: number;
  defaultRetentionMs: bigint;
  /** Connections must authenticate (SASL) before anything but ApiVersions and SASL requests. */
  requireSasl: boolean;
}

/** Settings of a cluster with no virtual_clusters row (an agent started with an ad-hoc cluster id). */
export const DEFAULT_CLUSTER_SETTINGS: ClusterSettings = {
  autoCreateTopics: true,
  defaultPartitions: 1,
  defaultRetentionMs: 604_800_000n,
  requireSasl: false,
};

const CACHE_MS = 2000;

/**
 * Reads cluster settings from virtual_clusters with a short cache (Metadata asks on every
 * auto-create). Kept apart from MetadataStore, which holds data-plane tables only.
 */
export class ClusterSettingsReader {
  private readonly cache = new Map<string, { at: number; settings: Promise<ClusterSettings> }>();

  constructor(private readonly pool: pg.Pool) {}

  get(clusterId: string): Promise<ClusterSettings> {
    const cached = this.cache.get(clusterId);
    if (cached && Date.now() - cached.at < CACHE_MS) return cached.settings;
    const settings = this.read(clusterId);
    this.cache.set(clusterId, { at: Date.now(), settings });
    settings.catch(() => this.cache.delete(clusterId));
    return settings;
  }

  private async read(clusterId: string): Promise<ClusterSettings> {
    const result = await this.pool.query<{
      auto_create_topics: boolean;
      default_partitions: number;
      default_retention_ms: string;
      require_sasl: boolean;
    }>(
      `SELECT auto_create_topics, default_partitions, default_retention_ms::text AS default_retention_ms, require_sasl
         FROM virtual_clusters WHERE id = $1 AND deleted_at IS NULL`,
      [clusterId],
    );
    const row = result.rows[0];
    if (!row) return DEFAULT_CLUSTER_SETTINGS;
    return {
      autoCreateTopics: row.auto_create_topics,
      defaultPartitions: row.default_partitions,
      defaultRetentionMs: BigInt(row.default_retention_ms),
      requireSasl: row.require_sasl,
    };
  }
}
