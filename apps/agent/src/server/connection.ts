import type { Socket } from "node:net";
import type { Logger } from "pino";
import {
  ErrorCode,
  ApiKey,
  DecodeError,
  FrameDecoder,
  Reader,
  apis,
  decodeRequestHeader,
  encodeResponseFrame,
  type RequestHeader,
} from "@streambed/protocol";
import { TLSSocket } from "node:tls";
import { rfc2253Subject } from "../acl/principal-mapping.ts";
import { saslRefusal } from "../auth/request-gate.ts";
import { SaslSession } from "../auth/sasl-authenticator.ts";
import { zoneFromClientId } from "../cluster/agent-registry.ts";
import type { AgentServices } from "./agent-services.ts";
import type { ApiHandler, ConnectionInfo, RequestContext } from "./api-handler.ts";
import type { DispatchTable } from "../apis/dispatch.ts";
import { ResponseQueue } from "./response-queue.ts";

/** Requests decoded but not yet answered, per connection, before reading pauses. */
const MAX_IN_FLIGHT = 4096;

/** A request the agent will not answer; the connection is closed and the reason logged. */
class ProtocolViolation extends Error {
  override readonly name = "ProtocolViolation";
}

/**
 * One client connection: frames in, requests dispatched concurrently, responses out in request
 * order. Anything undecodable closes this connection only.
 */
export class Connection {
  readonly info: ConnectionInfo;
  private readonly frames = new FrameDecoder({
    allocate: (size, head) => this.produceFrame(size, head),
  });
  private readonly responses: ResponseQueue;
  private readonly logger: Logger;
  private readonly aborter = new AbortController();
  private readonly pauseReasons = new Set<PauseReason>();
  /** Unmutes the connection once its quota throttle time is over. */
  private unmute: { at: number; timer: NodeJS.Timeout } | undefined;
  private closed = false;
  private corked = false;
  private idleWaiters: (() => void)[] = [];

  constructor(
    private readonly socket: Socket,
    id: number,
    private readonly dispatch: DispatchTable,
    private readonly services: AgentServices,
    logger: Logger,
  ) {
    this.info = {
      id,
      remoteAddress: `${socket.remoteAddress ?? "?"}:${socket.remotePort ?? "?"}`,
      clusterId: services.config.defaultClusterId ?? "",
      sasl: new SaslSession(),
      certificateSubject: verifiedCertificateSubject(socket),
    };
    this.logger = logger.child({ conn: id, remote: this.info.remoteAddress });
    this.responses = new ResponseQueue((frame) => {
      if (!this.closed) this.write(frame);
      this.afterResponse();
    });
    socket.setNoDelay(true);
    socket.on("data", (chunk: Buffer) => this.onData(chunk));
    socket.on("error", (err) => this.logger.debug({ err }, "socket error"));
    socket.on("close", () => this.onClose());
  }

  /** Stops reading requests; resolves once every request already read has been answered. */
  drain(): Promise<void> {
    this.pause("draining");
    if (this.responses.pending === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Aborts long polls so they answer now (shutdown). */
  abortWaits(): void {
    this.aborter.abort();
  }

  close(reason?: string): void {
    if (this.closed) return;
    if (reason) this.logger.warn({ reason }, "closing connection");
    this.closed = true;
    this.uncork();
    this.socket.destroy();
  }

  /**
   * Responses answered in the same tick (a flush's commit answers many requests at once) leave in
   * one writev: one syscall and one wakeup of the client instead of one per response.
   */
  private write(frame: Buffer): void {
    if (!this.corked) {
      this.corked = true;
      this.socket.cork();
      process.nextTick(() => this.uncork());
    }
    this.socket.write(frame);
  }

  /** Sends the corked responses; before a close, so that it does not discard them. */
  private uncork(): void {
    if (!this.corked) return;
    this.corked = false;
    this.socket.uncork();
  }

  private endAfterWrites(): void {
    this.closed = true;
    this.socket.end();
  }

  private onClose(): void {
    this.closed = true;
    const partial = this.frames.reset();
    if (partial) this.services.framePool.release(partial);
    this.aborter.abort();
    clearTimeout(this.unmute?.timer);
    for (const resolve of this.idleWaiters) resolve();
    this.idleWaiters = [];
  }

  /**
   * Bytes read while the produce buffer was over its bound: handled once it drains. (A request's
   * bytes enter the buffer only after its handler awaited, so the bound is checked on arrival.)
   */
  private held: Buffer[] = [];

  private onData(chunk: Buffer): void {
    if (this.held.length > 0 || this.produceBufferFull()) {
      this.held.push(chunk);
      this.waitForProduceRoom();
      return;
    }
    this.process(chunk);
  }

  private produceBufferFull(): boolean {
    return this.services.produceBuffer.bufferedBytes > this.services.config.maxBufferedProduceBytes;
  }

  private waitForProduceRoom(): void {
    if (this.pauseReasons.has("backpressure")) return;
    this.pause("backpressure");
    void this.services.produceBuffer
      .whenBufferedBelow(this.services.config.maxBufferedProduceBytes)
      .then(() => {
        this.pauseReasons.delete("backpressure");
        while (this.held.length > 0 && !this.closed && !this.pauseReasons.has("draining")) {
          if (this.produceBufferFull()) return this.waitForProduceRoom();
          this.process(this.held.shift()!);
        }
        if (this.pauseReasons.size === 0 && !this.closed) this.socket.resume();
      });
  }

  private process(chunk: Buffer): void {
    let frames: Buffer[];
    try {
      frames = this.frames.push(chunk);
    } catch (err) {
      this.services.metrics.connectionsClosedForErrors.inc({ reason: "malformed-frame" });
      this.close(`malformed frame: ${(err as Error).message}`);
      return;
    }
    const pool = this.services.framePool;
    for (const [n, frame] of frames.entries()) {
      if (this.closed) {
        for (const unread of frames.slice(n)) pool.release(unread);
        return;
      }
      let work: Promise<void> | undefined;
      try {
        work = this.handleFrame(frame);
      } catch (err) {
        pool.release(frame);
        if (!(err instanceof DecodeError || err instanceof ProtocolViolation)) throw err;
        this.services.metrics.connectionsClosedForErrors.inc({
          reason: err instanceof DecodeError ? "undecodable-request" : "protocol-violation",
        });
        this.close(err.message);
        continue;
      }
      // The request's views of the frame (a Produce request's batches) are used until it is done.
      if (work) void work.finally(() => pool.release(frame));
      else pool.release(frame);
    }
    if (this.responses.pending >= MAX_IN_FLIGHT) this.pause("in-flight");
  }

  /** Produce frames (the bulk of the bytes) are assembled in pooled memory; see FramePool. */
  private produceFrame(size: number, head: Buffer): Buffer | undefined {
    if (this.info.sasl.legacyFraming || head.length < 2 || head.readInt16BE(0) !== ApiKey.Produce)
      return undefined;
    return this.services.framePool.take(size);
  }

  /** Handles one request frame; returns the work still using it, if any. */
  private handleFrame(frame: Buffer): Promise<void> | undefined {
    if (this.info.sasl.legacyFraming) {
      this.handleBareSaslToken(frame);
      return undefined;
    }
    const started = performance.now();
    const reader = new Reader(frame);
    const header = decodeRequestHeader(reader);
    const { requestApiKey: apiKey, requestApiVersion: version } = header;
    const handler = this.dispatch.get(apiKey);
    if (!handler) {
      this.answerUnservedApi(header, reader);
      return undefined;
    }
    const codec = apis[apiKey]!;
    const held: Promise<unknown>[] = [];
    const ctx = this.contextFor(header, held);
    const fill = this.responses.reserve();
    const respond = (response: unknown, errorCode: number) => {
      // Sized up front when large (Fetch): a growing buffer would copy the records repeatedly.
      const sizeHint = handler.encodedSizeHint?.(response) ?? 256;
      const frame = encodeResponseFrame(
        apiKey,
        version,
        header.correlationId,
        codec.encodeResponse,
        response,
        sizeHint,
      );
      this.record(codec.name, errorCode, started);
      fill(frame);
    };

    if (version < handler.minVersion || version > handler.maxVersion) {
      this.answerUnsupportedVersion(header, handler, reader, ctx, respond, fill);
      return undefined;
    }
    const request = codec.decodeRequest(reader, version);
    const run = this.run(handler, request, ctx, respond, fill, started, codec.name, frame.length);
    return run.then(async () => {
      await Promise.allSettled(held);
    });
  }

  /** A SASL token after SaslHandshake v0 (kafka-python): answered with a bare token, or the connection closes. */
  private handleBareSaslToken(token: Buffer): void {
    const fill = this.responses.reserve();
    const session = this.info.sasl;
    this.services.sasl.step(session, token, this.info.remoteAddress).then(
      (step) => {
        if (step.kind === "failed") {
          fill(null);
          this.close(`SASL authentication failed: ${step.message}`);
          return;
        }
        if (step.kind === "authenticated") {
          this.info.clusterId = step.principal.clusterId;
          session.legacyFraming = false;
        }
        const frame = Buffer.alloc(4 + step.bytes.length);
        frame.writeInt32BE(step.bytes.length, 0);
        step.bytes.copy(frame, 4);
        fill(frame);
      },
      (err: unknown) => {
        this.logger.error({ err }, "SASL step failed");
        fill(null);
        this.close("SASL step failed");
      },
    );
  }

  private async run(
    handler: ApiHandler,
    request: unknown,
    ctx: RequestContext,
    respond: (response: unknown, errorCode: number) => void,
    fill: (frame: Buffer | null) => void,
    started: number,
    apiName: string,
    requestBytes: number,
  ): Promise<void> {
    let response: unknown;
    try {
      const refusal = await saslRefusal(
        handler.apiKey,
        this.info,
        async (id) => (await this.services.clusterSettings.get(id)).requireSasl,
      );
      if (refusal) {
        fill(null);
        this.close(refusal);
        return;
      }
      response = await handler.handle(request, ctx);
    } catch (err) {
      ctx.logger.error({ err, api: apiName }, "request failed");
      response = handler.errorResponse(request, ErrorCode.UNKNOWN_SERVER_ERROR, ctx);
    }
    this.applyQuotas(handler, ctx, requestBytes, response);
    if (response === null) {
      this.record(apiName, 0, started);
      fill(null);
      return;
    }
    try {
      respond(response, topLevelErrorCode(response));
      // A failed SASL exchange ends the connection once its error is written (as in Kafka).
      if (this.info.sasl.failed) this.endAfterWrites();
    } catch (err) {
      // An unencodable response is our bug; the client cannot be answered consistently any more.
      ctx.logger.error({ err, api: apiName }, "response encoding failed");
      fill(null);
      this.close("response encoding failed");
    }
  }

  /**
   * Versions outside what the agent serves: ApiVersions answers in its v0 format with the
   * supported ranges (clients then retry with a version both sides know); other APIs get their
   * error response when the codec can still read that version, else the connection closes.
   */
  private answerUnsupportedVersion(
    header: RequestHeader,
    handler: ApiHandler,
    reader: Reader,
    ctx: RequestContext,
    respond: (response: unknown, errorCode: number) => void,
    fill: (frame: Buffer | null) => void,
  ): void {
    const codec = apis[header.requestApiKey]!;
    if (header.requestApiKey === ApiKey.ApiVersions) {
      const response = handler.errorResponse({}, ErrorCode.UNSUPPORTED_VERSION, ctx);
      this.record(codec.name, ErrorCode.UNSUPPORTED_VERSION, performance.now());
      fill(
        encodeResponseFrame(
          ApiKey.ApiVersions,
          0,
          header.correlationId,
          codec.encodeResponse,
          response,
        ),
      );
      return;
    }
    if (
      header.requestApiVersion < codec.minVersion ||
      header.requestApiVersion > codec.maxVersion
    ) {
      fill(null);
      throw new ProtocolViolation(
        `${codec.name} v${header.requestApiVersion} is unknown to this agent`,
      );
    }
    const request = codec.decodeRequest(reader, header.requestApiVersion);
    respond(
      handler.errorResponse(request, ErrorCode.UNSUPPORTED_VERSION, ctx),
      ErrorCode.UNSUPPORTED_VERSION,
    );
  }

  /**
   * An API this agent does not serve (absent from ApiVersions). Where its response has a top-level
   * error code we answer UNSUPPORTED_VERSION so the client gets a clear error; otherwise, as
   * Kafka does, the connection closes.
   */
  private answerUnservedApi(header: RequestHeader, reader: Reader): void {
    const { requestApiKey: apiKey, requestApiVersion: version, correlationId } = header;
    const codec = apis[apiKey];
    const unserved = new ProtocolViolation(
      `unsupported API key ${apiKey} (version ${version}, correlation id ${correlationId})`,
    );
    if (!codec || version < codec.minVersion || version > codec.maxVersion) throw unserved;
    const response = codec.defaultResponse() as { errorCode?: number };
    if (!("errorCode" in response)) throw unserved;
    codec.decodeRequest(reader, version);
    response.errorCode = ErrorCode.UNSUPPORTED_VERSION;
    let frame: Buffer;
    try {
      frame = encodeResponseFrame(apiKey, version, correlationId, codec.encodeResponse, response);
    } catch {
      // The error code field does not exist in this version of the response.
      throw unserved;
    }
    this.record(codec.name, ErrorCode.UNSUPPORTED_VERSION, performance.now());
    this.responses.reserve()(frame);
  }

  private contextFor(header: RequestHeader, held: Promise<unknown>[]): RequestContext {
    return {
      apiVersion: header.requestApiVersion,
      correlationId: header.correlationId,
      clientId: header.clientId,
      clientZone: zoneFromClientId(header.clientId),
      connection: this.info,
      services: this.services,
      logger: this.logger,
      signal: this.aborter.signal,
      holdFrameUntil: (done) => held.push(done.catch(() => undefined)),
    };
  }

  private record(api: string, errorCode: number, started: number): void {
    const seconds = (performance.now() - started) / 1000;
    this.services.metrics.recordRequest(this.info.clusterId, api, errorCode, seconds);
    this.services.usage.add(this.info.clusterId, "requests", 1);
  }

  /**
   * Records the request against its quotas. Over one, as Kafka does (KIP-219), the response
   * carries the throttle time and the connection is muted (not read) for that long.
   */
  private applyQuotas(
    handler: ApiHandler,
    ctx: RequestContext,
    requestBytes: number,
    response: unknown,
  ): void {
    const ms = this.services.quotaEnforcer.record({
      clusterId: this.info.clusterId,
      user: this.info.sasl.principal?.username ?? "ANONYMOUS",
      clientId: ctx.clientId ?? "",
      apiKey: handler.apiKey,
      requestBytes,
      responseBytes: () => (response === null ? 0 : (handler.encodedSizeHint?.(response) ?? 0)),
    });
    if (ms <= 0) return;
    const throttled = response as { throttleTimeMs?: unknown } | null;
    if (typeof throttled?.throttleTimeMs === "number")
      throttled.throttleTimeMs = Math.max(throttled.throttleTimeMs, ms);
    const at = performance.now() + ms;
    if (this.unmute && this.unmute.at >= at) return;
    clearTimeout(this.unmute?.timer);
    this.pause("throttled");
    this.unmute = {
      at,
      timer: setTimeout(() => {
        this.unmute = undefined;
        this.resume("throttled");
      }, ms),
    };
  }

  private afterResponse(): void {
    if (this.responses.pending === 0 && this.idleWaiters.length > 0) {
      for (const resolve of this.idleWaiters) resolve();
      this.idleWaiters = [];
    }
    if (this.responses.pending < MAX_IN_FLIGHT) this.resume("in-flight");
  }

  private pause(reason: PauseReason): void {
    this.pauseReasons.add(reason);
    this.socket.pause();
  }

  private resume(reason: "in-flight" | "throttled"): void {
    if (!this.pauseReasons.delete(reason)) return;
    if (this.pauseReasons.size === 0 && !this.closed) this.socket.resume();
  }
}

type PauseReason = "backpressure" | "in-flight" | "draining" | "throttled";

/** The top-level error code of a response, when it has one, for the requests metric. */
function topLevelErrorCode(response: unknown): number {
  const code = (response as { errorCode?: unknown }).errorCode;
  return typeof code === "number" ? code : 0;
}

/** The subject of a client certificate the TLS listener verified (mTLS), in RFC 2253 form. */
function verifiedCertificateSubject(socket: Socket): string | null {
  if (!(socket instanceof TLSSocket) || !socket.authorized) return null;
  const subject = socket.getPeerX509Certificate()?.subject;
  return subject ? rfc2253Subject(subject) : null;
}
