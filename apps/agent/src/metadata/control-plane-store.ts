import type { ClusterSettings } from "../server/cluster-settings.ts";

/** An agent key as stored by the console (which keeps only its hash). */
export interface StoredAgentKey {
  id: string;
  clusterId: string;
  revoked: boolean;
  clusterDeleted: boolean;
}

/** An application credential as stored by the console; the verifiers as stored (JSON). */
export interface StoredKafkaCredential {
  id: string;
  clusterId: string;
  username: string;
  plainHash: string;
  scramSha256: unknown;
  scramSha512: unknown;
}

/**
 * What the agent reads in the console's tables: cluster settings, agent keys and application
 * credentials. The console writes them; the agent only marks keys and credentials as used.
 */
export interface ControlPlaneStore {
  /** The settings of a cluster that is not deleted; undefined when it has no row. */
  clusterSettings(clusterId: string): Promise<ClusterSettings | undefined>;
  findAgentKey(keyHash: string): Promise<StoredAgentKey | undefined>;
  markAgentKeyUsed(keyId: string): Promise<void>;
  /** The credential, unless revoked or of a deleted cluster. */
  findKafkaCredential(username: string): Promise<StoredKafkaCredential | undefined>;
  /** Sets last_used_at unless some agent set it less than `minIntervalMs` ago. */
  markKafkaCredentialUsed(credentialId: string, minIntervalMs: number): Promise<void>;
}
