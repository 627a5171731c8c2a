import type { Logger } from "pino";
import type { SaslSession } from "../auth/sasl-authenticator.ts";
import type { AgentServices } from "./agent-services.ts";

/** What a handler knows about the connection a request came on. */
export interface ConnectionInfo {
  id: number;
  remoteAddress: string;
  /** The virtual cluster this connection belongs to (the agent's default until SASL exists). */
  clusterId: string;
  /** The connection's SASL exchange; once authenticated, clusterId is the credential's cluster. */
  sasl: SaslSession;
  /** The verified client certificate's subject (RFC 2253) on an mTLS listener, else null. */
  certificateSubject: string | null;
}

export interface RequestContext {
  apiVersion: number;
  correlationId: number;
  clientId: string | null;
  /** Availability zone the client stated (`ws_az=<zone>` in client.id), if any. */
  clientZone: string | undefined;
  connection: ConnectionInfo;
  services: AgentServices;
  logger: Logger;
  /** Aborted when the connection closes or the agent shuts down: long polls answer at once. */
  signal: AbortSignal;
  /**
   * Keeps the request's frame (which views such as a Produce request's batches point into) from
   * being reused until `done` settles, even when the answer goes out first (a Produce timeout).
   */
  holdFrameUntil(done: Promise<unknown>): void;
}

/**
 * One Kafka API served by the agent: the versions it accepts and how it answers. Wire types come
 * from the generated codecs of @streambed/protocol; the handler turns them into calls on the
 * domain modules and back.
 */
export interface ApiHandler<Req = unknown, Res = unknown> {
  apiKey: number;
  minVersion: number;
  maxVersion: number;
  /**
   * Lowest version listed in ApiVersions when lower than minVersion (librdkafka needs Produce
   * advertised from v0 even though Kafka 4 rejects v0-2).
   */
  advertisedMinVersion?: number;
  /** The response, or null when the client expects none (acks=0 produce). */
  handle(request: Req, ctx: RequestContext): Promise<Res | null>;
  /** A response carrying `errorCode` everywhere the API has an error field. */
  errorResponse(request: Req, errorCode: number, ctx: RequestContext): Res;
  /** Roughly how many bytes the encoded response takes, for responses that carry records. */
  encodedSizeHint?(response: Res): number;
}

/** Typed at the definition, stored untyped in the dispatch table. */
export function defineApi<Req, Res>(handler: ApiHandler<Req, Res>): ApiHandler {
  return handler as unknown as ApiHandler;
}
