import type { Logger } from "pino";
import {
  SaslAuthenticationError,
  SaslInvalidCredentialsError,
  SaslStateError,
  ScramServerSession,
  parsePlainMessage,
} from "@streambed/protocol";
import { verifyPlainPassword } from "@streambed/protocol/sasl/plain-hash";
import type { CredentialCache, KafkaCredential } from "./credential-cache.ts";
import type { AttemptSource, FailureLimiter } from "./failure-limiter.ts";

export const saslMechanisms = ["PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512"] as const;
export type SaslMechanism = (typeof saslMechanisms)[number];

export function isSaslMechanism(name: string): name is SaslMechanism {
  return (saslMechanisms as readonly string[]).includes(name);
}

/** Who a connection authenticated as; its cluster becomes the connection's cluster. */
export interface Principal {
  credentialId: string;
  username: string;
  clusterId: string;
}

export type SaslStep =
  | { kind: "challenge"; bytes: Buffer }
  | { kind: "authenticated"; bytes: Buffer; principal: Principal }
  | { kind: "failed"; errorCode: number; message: string };

/** One connection's SASL exchange: the mechanism from SaslHandshake, then the SaslAuthenticate steps. */
export class SaslSession {
  mechanism: SaslMechanism | null = null;
  principal: Principal | null = null;
  /** Set once an exchange failed: the connection is closed after the error is sent. */
  failed = false;
  /**
   * After a SaslHandshake v0 the client sends its SASL tokens as bare size-prefixed frames (no
   * Kafka request header) and expects bare tokens back, until it is authenticated.
   */
  legacyFraming = false;
  scram: { server: ScramServerSession; credential: KafkaCredential } | null = null;
  /** Who this exchange claims to be, once the client named a user (for the failure limiter). */
  attempt: AttemptSource | null = null;
}

export interface SaslAuthenticatorOptions {
  credentials: CredentialCache;
  limiter: FailureLimiter;
  /** A dedicated agent accepts only credentials of its own cluster; null on a shared agent. */
  dedicatedClusterId: string | null;
  logger: Pick<Logger, "warn" | "info">;
}

const invalidCredentials = "Authentication failed: Invalid username or password";

/**
 * Runs SASL PLAIN and SCRAM-SHA-256/512 exchanges against the cluster credentials created in
 * the console (SCRAM verifiers and the scrypt PLAIN hash: no password is stored).
 */
export class SaslAuthenticator {
  constructor(private readonly options: SaslAuthenticatorOptions) {}

  async step(session: SaslSession, token: Uint8Array, remoteAddress: string): Promise<SaslStep> {
    const address = sourceHost(remoteAddress);
    const anonymous: AttemptSource = { address, username: "", knownUser: false };
    if (session.failed || session.principal)
      return this.fail(session, anonymous, new SaslStateError("SASL exchange already finished"));
    if (!session.mechanism)
      return this.fail(
        session,
        anonymous,
        new SaslStateError("SaslAuthenticate before SaslHandshake"),
      );
    try {
      return session.mechanism === "PLAIN"
        ? await this.plain(session, token, address)
        : await this.scramStep(session, session.mechanism, token, address);
    } catch (err) {
      if (err instanceof SaslAuthenticationError || err instanceof SaslStateError)
        return this.fail(session, session.attempt ?? anonymous, err);
      throw err;
    }
  }

  /**
   * Looks the username up and waits for the limiter to let the attempt be checked; "throttled" when
   * too many attempts of that source already wait.
   */
  private async admit(
    session: SaslSession,
    address: string,
    username: string,
  ): Promise<KafkaCredential | null | "throttled"> {
    const credential = await this.credentialFor(username);
    session.attempt = { address, username, knownUser: credential !== null };
    if (!(await this.options.limiter.admit(session.attempt))) return "throttled";
    return credential;
  }

  private async plain(session: SaslSession, token: Uint8Array, address: string): Promise<SaslStep> {
    const { username, password } = parsePlainMessage(token);
    const credential = await this.admit(session, address, username);
    if (credential === "throttled") return this.throttled(session);
    if (!credential || !(await verifyPlainPassword(password, credential.plainHash))) {
      return this.fail(session, session.attempt!, new SaslAuthenticationError(invalidCredentials));
    }
    return this.succeed(session, credential, Buffer.alloc(0), address);
  }

  private async scramStep(
    session: SaslSession,
    mechanism: "SCRAM-SHA-256" | "SCRAM-SHA-512",
    token: Uint8Array,
    address: string,
  ): Promise<SaslStep> {
    if (!session.scram) {
      const server = new ScramServerSession(mechanism);
      const first = server.receiveClientFirst(token);
      const credential = await this.admit(session, address, first.username);
      if (credential === "throttled") return this.throttled(session);
      const verifiers =
        mechanism === "SCRAM-SHA-256" ? credential?.scramSha256 : credential?.scramSha512;
      if (!credential || !verifiers)
        return this.fail(
          session,
          session.attempt!,
          new SaslAuthenticationError(invalidCredentials),
        );
      session.scram = { server, credential };
      return { kind: "challenge", bytes: Buffer.from(server.serverFirst(verifiers)) };
    }
    const { server, credential } = session.scram;
    try {
      const serverFinal = server.receiveClientFinal(token);
      return this.succeed(session, credential, Buffer.from(serverFinal), address);
    } catch (err) {
      // A wrong proof reads like an unknown user; other failures (malformed messages) keep their reason.
      if (err instanceof SaslInvalidCredentialsError) {
        return this.fail(
          session,
          session.attempt!,
          new SaslAuthenticationError(invalidCredentials),
        );
      }
      if (err instanceof SaslAuthenticationError) return this.fail(session, session.attempt!, err);
      throw err;
    }
  }

  private async credentialFor(username: string): Promise<KafkaCredential | null> {
    const credential = await this.options.credentials.find(username);
    const { dedicatedClusterId } = this.options;
    if (credential && dedicatedClusterId !== null && credential.clusterId !== dedicatedClusterId)
      return null;
    return credential;
  }

  private succeed(
    session: SaslSession,
    credential: KafkaCredential,
    bytes: Buffer,
    address: string,
  ): SaslStep {
    session.principal = {
      credentialId: credential.id,
      username: credential.username,
      clusterId: credential.clusterId,
    };
    session.scram = null;
    this.options.credentials
      .markUsed(credential.id)
      .catch((err: unknown) =>
        this.options.logger.warn({ err }, "could not record credential use"),
      );
    this.options.logger.info(
      { username: credential.username, mechanism: session.mechanism, source: address },
      "SASL authentication succeeded",
    );
    return { kind: "authenticated", bytes, principal: session.principal };
  }

  private fail(
    session: SaslSession,
    attempt: AttemptSource,
    err: SaslAuthenticationError | SaslStateError,
  ): SaslStep {
    session.failed = true;
    session.scram = null;
    this.options.limiter.recordFailure(attempt);
    // Never the password or proof: only who tried, how, from where, and why it failed.
    this.options.logger.warn(
      {
        username: attempt.username || undefined,
        mechanism: session.mechanism,
        source: attempt.address,
        reason: err.message,
      },
      "SASL authentication failed",
    );
    return { kind: "failed", errorCode: err.errorCode, message: err.message };
  }

  /** Too many attempts of this source wait already: refused without a check (and not counted). */
  private throttled(session: SaslSession): SaslStep {
    session.failed = true;
    session.scram = null;
    const err = new SaslAuthenticationError(
      "Authentication failed: too many failed attempts, try again later",
    );
    this.options.logger.warn(
      {
        username: session.attempt?.username,
        mechanism: session.mechanism,
        source: session.attempt?.address,
      },
      "SASL authentication throttled",
    );
    return { kind: "failed", errorCode: err.errorCode, message: err.message };
  }
}

/** The host part of "host:port" (IPv6 hosts keep their colons). */
function sourceHost(remoteAddress: string): string {
  const at = remoteAddress.lastIndexOf(":");
  return at > 0 ? remoteAddress.slice(0, at) : remoteAddress;
}
