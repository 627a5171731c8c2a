import type { AclBinding } from "../acl/acl-binding.ts";

/** What decides a cluster's requests: its ACLs, whether they are enforced, and its superusers. */
export interface ClusterAcls {
  enforcement: boolean;
  /** Usernames of the cluster's credentials marked superuser (not revoked). */
  superusers: string[];
  bindings: StoredAclBinding[];
}

export interface StoredAclBinding extends AclBinding {
  id: string;
}

/** Who changed ACLs over the Kafka protocol, for the audit log. */
export interface AclChangeActor {
  principal: string;
  host: string;
}

export interface AclChangeSubscription {
  readonly ready: Promise<void>;
  close(): Promise<void>;
}

/** Kafka ACLs per cluster (acl_bindings), as CreateAcls/DeleteAcls and the console change them. */
export interface AclStore {
  clusterAcls(clusterId: string): Promise<ClusterAcls>;
  /** Stores the bindings not stored yet (creating an existing one succeeds, as in Kafka); audited. */
  create(clusterId: string, bindings: readonly AclBinding[], actor: AclChangeActor): Promise<void>;
  /** Deletes the bindings with these ids; returns those it deleted (audited). */
  delete(
    clusterId: string,
    ids: readonly string[],
    actor: AclChangeActor,
  ): Promise<StoredAclBinding[]>;
  /** Tells which cluster's ACLs, enforcement switch or superusers changed, on any agent or the console. */
  subscribeChanges(handlers: {
    onChange(clusterId: string): void;
    onResync(): void;
  }): AclChangeSubscription;
}
