import type { ScramMechanism, StoredScramVerifiers } from "@streambed/protocol";

/** A cluster credential's SCRAM mechanisms as DescribeUserScramCredentials lists them. */
export interface ScramCredentialInfo {
  username: string;
  mechanisms: { mechanism: ScramMechanism; iterations: number }[];
}

/** One user's change in an AlterUserScramCredentials request (Kafka allows one per user). */
export type ScramCredentialChange =
  | { kind: "upsert"; mechanism: ScramMechanism; verifiers: StoredScramVerifiers }
  | { kind: "delete"; mechanism: ScramMechanism };

/** Who changed a credential through the Kafka API, for the audit log. */
export interface ScramChangeActor {
  /** The SASL user of the connection, or null when unauthenticated. */
  principal: string | null;
  remoteAddress: string;
}

/**
 * "not-found": no such credential (or mechanism to delete) in the cluster; "taken": the username
 * belongs to another cluster's, an internal or a revoked credential.
 */
export type ScramChangeOutcome = "applied" | "not-found" | "taken";

/** The SCRAM credentials of a cluster's kafka_credentials (internal ones are never visible). */
export interface ScramCredentialStore {
  describe(clusterId: string): Promise<ScramCredentialInfo[]>;
  /** Applies one user's change in its own transaction, with an audit log entry. */
  alter(
    clusterId: string,
    username: string,
    change: ScramCredentialChange,
    actor: ScramChangeActor,
  ): Promise<ScramChangeOutcome>;
}
