import net from "node:net";
import { FrameDecoder } from "@streambed/protocol/framing/frame-decoder";
import { encodeRequestFrame } from "@streambed/protocol/framing/encode-frame";
import { apis, decodeResponseHeader } from "@streambed/protocol/generated/apis";
import { Reader } from "@streambed/protocol/primitives/reader";
import { authenticateWithScram } from "./scram-client.ts";

/**
 * One Kafka connection from the console to an agent, speaking through the repository's own
 * generated codecs. Why not a client library: KafkaJS (the only pure-JS client we use) consumes
 * only through a consumer group and cannot assign partitions, and decodes only gzip; the message
 * browser needs group-less reads bounded per request (ListOffsets + Fetch with byte limits), every
 * codec the agents store (`@streambed/protocol` has them), and cancellation that is simply closing
 * this socket.
 */
export class AgentConnection {
  private readonly frames = new FrameDecoder();
  private readonly waiting: {
    apiKey: number;
    version: number;
    correlationId: number;
    resolve: (body: unknown) => void;
    reject: (err: Error) => void;
  }[] = [];
  private correlationId = 1;
  private failure: Error | null = null;

  private constructor(private readonly socket: net.Socket) {
    socket.on("data", (chunk: Buffer) => this.receive(chunk));
    socket.on("error", (err) => this.fail(err));
    socket.on("close", () => this.fail(new Error("connection to the agent closed")));
  }

  /** Connects and authenticates; `signal` aborts the connection at any point of its life. */
  static async open(
    address: { host: string; port: number },
    credentials: { username: string; password: string },
    signal: AbortSignal,
  ): Promise<AgentConnection> {
    signal.throwIfAborted();
    const socket = net.connect({ host: address.host, port: address.port, noDelay: true });
    const connection = new AgentConnection(socket);
    const abort = () =>
      connection.fail(new DOMException("cancelled, or no answer in time", "AbortError"));
    signal.addEventListener("abort", abort, { once: true });
    socket.once("close", () => signal.removeEventListener("abort", abort));
    await new Promise<void>((resolve, reject) => {
      socket.once("connect", resolve);
      socket.once("close", () => reject(connection.failure ?? new Error("connection failed")));
    });
    await authenticateWithScram(connection, credentials.username, credentials.password);
    return connection;
  }

  request<T>(apiKey: number, version: number, body: unknown): Promise<T> {
    if (this.failure) return Promise.reject(this.failure);
    const correlationId = this.correlationId++;
    const frame = encodeRequestFrame(
      {
        requestApiKey: apiKey,
        requestApiVersion: version,
        correlationId,
        clientId: "streambed-console",
      },
      apis[apiKey]!.encodeRequest,
      body,
    );
    const response = new Promise<T>((resolve, reject) => {
      this.waiting.push({
        apiKey,
        version,
        correlationId,
        resolve: resolve as (body: unknown) => void,
        reject,
      });
    });
    this.socket.write(frame);
    return response;
  }

  close(): void {
    this.socket.destroy();
  }

  private receive(chunk: Buffer): void {
    try {
      for (const frame of this.frames.push(chunk)) {
        const next = this.waiting.shift();
        if (!next) throw new Error("the agent answered a request that was not sent");
        const reader = new Reader(frame);
        const header = decodeResponseHeader(reader, next.apiKey, next.version);
        if (header.correlationId !== next.correlationId)
          throw new Error(`correlation id ${header.correlationId}, expected ${next.correlationId}`);
        next.resolve(apis[next.apiKey]!.decodeResponse(reader, next.version));
      }
    } catch (err) {
      this.fail(err instanceof Error ? err : new Error(String(err)));
    }
  }

  private fail(err: Error): void {
    this.failure ??= err;
    for (const w of this.waiting.splice(0)) w.reject(this.failure);
    this.socket.destroy();
  }
}
