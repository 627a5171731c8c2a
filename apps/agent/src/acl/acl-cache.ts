import type { ConnectionInfo } from "../server/api-handler.ts";
import type { AclChangeSubscription, AclStore } from "../metadata/acl-store.ts";
import type { AclOperationName, AclResourceType } from "./acl-binding.ts";
import { AclIndex, type Requester } from "./authorizer.ts";
import { mapSubject, type PrincipalMappingRules } from "./principal-mapping.ts";

/** What one connection may do; decisions are remembered until the cluster's ACLs change. */
export interface ConnectionAccess {
  readonly requester: Requester;
  allows(operation: AclOperationName, resourceType: AclResourceType, name: string): boolean;
  /** Whether the operation is allowed on some resource of the type (Kafka's authorizeByResourceType). */
  allowsSome(operation: AclOperationName, resourceType: AclResourceType): boolean;
}

/** One cluster's rules as loaded; replaced (never mutated) when a notification says they changed. */
interface ClusterRules {
  enforcement: boolean;
  superusers: ReadonlySet<string>;
  index: AclIndex;
}

/** The principal of a client that is neither SASL-authenticated nor mapped from a certificate. */
export const ANONYMOUS = "User:ANONYMOUS";

const MAX_DECISIONS = 10_000;

const allowAll = (requester: Requester): ConnectionAccess => ({
  requester,
  allows: () => true,
  allowsSome: () => true,
});

/**
 * Per-cluster ACLs (loaded once, dropped on a streambed_acls notification) and per-connection
 * decision caches: after the first request of a connection, a check is one Map lookup; with
 * enforcement off (the default) or for a superuser, no lookup at all.
 */
export class AclCache {
  private readonly clusters = new Map<string, Promise<ClusterRules>>();
  /** The rules of `clusters` once loaded: the hot path reads them without awaiting. */
  private readonly loaded = new Map<string, ClusterRules>();
  private readonly connections = new WeakMap<
    ConnectionInfo,
    { rules: ClusterRules; sasl: ConnectionInfo["sasl"]["principal"]; access: ConnectionAccess }
  >();
  private subscription: AclChangeSubscription | undefined;

  constructor(
    private readonly store: Pick<AclStore, "clusterAcls" | "subscribeChanges">,
    private readonly principalRules: PrincipalMappingRules,
  ) {}

  /** Starts listening for ACL changes; resolves once listening. */
  async start(): Promise<void> {
    this.subscription = this.store.subscribeChanges({
      onChange: (clusterId) => this.invalidate(clusterId),
      onResync: () => {
        this.clusters.clear();
        this.loaded.clear();
      },
    });
    await this.subscription.ready;
  }

  /** Drops a cluster's rules now (this agent changed them: its next request must see the change). */
  invalidate(clusterId: string): void {
    this.clusters.delete(clusterId);
    this.loaded.delete(clusterId);
  }

  async close(): Promise<void> {
    await this.subscription?.close();
    this.subscription = undefined;
  }

  /**
   * What the connection may do: at once (no await) when its cluster's rules are loaded and
   * unchanged and it has not authenticated since; otherwise once the rules are read.
   */
  accessFor(connection: ConnectionInfo): ConnectionAccess | Promise<ConnectionAccess> {
    const cached = this.connections.get(connection);
    if (
      cached &&
      cached.rules === this.loaded.get(connection.clusterId) &&
      cached.sasl === connection.sasl.principal
    )
      return cached.access;
    return this.freshAccess(connection);
  }

  private async freshAccess(connection: ConnectionInfo): Promise<ConnectionAccess> {
    const rules = await this.rulesOf(connection.clusterId);
    const sasl = connection.sasl.principal;
    const requester = {
      principal: this.principalOf(connection),
      host: clientHost(connection.remoteAddress),
    };
    const access =
      !rules.enforcement || (sasl !== null && rules.superusers.has(sasl.username))
        ? allowAll(requester)
        : decisionsOf(rules.index, requester);
    this.connections.set(connection, { rules, sasl, access });
    return access;
  }

  /** SASL's user when authenticated (also over TLS, as Kafka's SASL_SSL), else the certificate's. */
  principalOf(connection: ConnectionInfo): string {
    const sasl = connection.sasl.principal;
    if (sasl) return `User:${sasl.username}`;
    if (connection.certificateSubject === null) return ANONYMOUS;
    const name = mapSubject(this.principalRules, connection.certificateSubject);
    return name === null ? ANONYMOUS : `User:${name}`;
  }

  private rulesOf(clusterId: string): Promise<ClusterRules> {
    let rules = this.clusters.get(clusterId);
    if (!rules) {
      const loading: Promise<ClusterRules> = this.store.clusterAcls(clusterId).then((acls) => {
        const read = {
          enforcement: acls.enforcement,
          superusers: new Set(acls.superusers),
          index: new AclIndex(acls.bindings),
        };
        // Not when a change was announced meanwhile: this read may predate it.
        if (this.clusters.get(clusterId) === loading) this.loaded.set(clusterId, read);
        return read;
      });
      rules = loading;
      this.clusters.set(clusterId, rules);
      rules.catch(() => {
        if (this.clusters.get(clusterId) === loading) this.clusters.delete(clusterId);
      });
    }
    return rules;
  }
}

function decisionsOf(index: AclIndex, requester: Requester): ConnectionAccess {
  // By operation, then resource type, then name: a check allocates nothing once decided.
  const decisions = new Map<string, Map<string, Map<string, boolean>>>();
  let size = 0;
  const remembered = (
    operation: AclOperationName,
    resourceType: string,
    name: string,
    decide: () => boolean,
  ): boolean => {
    let byType = decisions.get(operation);
    if (!byType) decisions.set(operation, (byType = new Map()));
    let byName = byType.get(resourceType);
    if (!byName) byType.set(resourceType, (byName = new Map()));
    let allowed = byName.get(name);
    if (allowed === undefined) {
      // A client naming endless distinct resources must not grow the connection without bound.
      if (++size > MAX_DECISIONS) {
        decisions.clear();
        size = 0;
        return decide();
      }
      byName.set(name, (allowed = decide()));
    }
    return allowed;
  };
  return {
    requester,
    allows: (operation, resourceType, name) =>
      remembered(operation, resourceType, name, () =>
        index.allows(requester, operation, resourceType, name),
      ),
    // "some" is a pseudo resource type: no clash with a resource's decision.
    allowsSome: (operation, resourceType) =>
      remembered(operation, `some ${resourceType}`, "", () =>
        index.allowsSome(requester, operation, resourceType),
      ),
  };
}

/** The client's IP address as ACL hosts name it ("::ffff:10.0.0.1:5000" -> "10.0.0.1"). */
export function clientHost(remoteAddress: string): string {
  const at = remoteAddress.lastIndexOf(":");
  const host = at > 0 ? remoteAddress.slice(0, at) : remoteAddress;
  return host.startsWith("::ffff:") ? host.slice("::ffff:".length) : host;
}
