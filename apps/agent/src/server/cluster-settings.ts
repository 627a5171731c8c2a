import type { ControlPlaneStore } from "../metadata/control-plane-store.ts";

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
 * Cluster settings (set in the console) with a short cache: Metadata asks on every
 * auto-create.
 */
export class ClusterSettingsReader {
  private readonly cache = new Map<string, { at: number; settings: Promise<ClusterSettings> }>();

  constructor(private readonly store: Pick<ControlPlaneStore, "clusterSettings">) {}

  get(clusterId: string): Promise<ClusterSettings> {
    const cached = this.cache.get(clusterId);
    if (cached && Date.now() - cached.at < CACHE_MS) return cached.settings;
    const settings = this.read(clusterId);
    this.cache.set(clusterId, { at: Date.now(), settings });
    settings.catch(() => this.cache.delete(clusterId));
    return settings;
  }

  private async read(clusterId: string): Promise<ClusterSettings> {
    return (await this.store.clusterSettings(clusterId)) ?? DEFAULT_CLUSTER_SETTINGS;
  }
}
