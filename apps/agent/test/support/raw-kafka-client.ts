import net from "node:net";
import {
  FrameDecoder,
  Reader,
  apis,
  decodeResponseHeader,
  encodeRequestFrame,
} from "@streambed/protocol";

/**
 * A bare Kafka connection speaking through the generated codecs: for protocol edge cases no
 * client library produces (pipelining, malformed frames, exotic versions, admin APIs KafkaJS lacks).
 */
export class RawKafkaClient {
  private readonly frames = new FrameDecoder();
  private readonly waiting: {
    apiKey: number;
    version: number;
    correlationId: number;
    resolve: (body: unknown) => void;
    reject: (err: Error) => void;
  }[] = [];
  private correlationId = 1;
  readonly closed: Promise<void>;

  private constructor(private readonly socket: net.Socket) {
    socket.on("data", (chunk: Buffer) => {
      for (const frame of this.frames.push(chunk)) {
        const next = this.waiting.shift();
        if (!next) throw new Error("response without a request");
        const r = new Reader(frame);
        const header = decodeResponseHeader(r, next.apiKey, next.version);
        if (header.correlationId !== next.correlationId) {
          next.reject(
            new Error(`correlation id ${header.correlationId}, expected ${next.correlationId}`),
          );
          continue;
        }
        next.resolve(apis[next.apiKey]!.decodeResponse(r, next.version));
      }
    });
    this.closed = new Promise((resolve) => socket.once("close", () => resolve()));
    socket.on("error", () => undefined);
    void this.closed.then(() => {
      for (const w of this.waiting.splice(0)) w.reject(new Error("connection closed"));
    });
  }

  static async connect(bootstrap: string): Promise<RawKafkaClient> {
    const [host, port] = bootstrap.split(":");
    const socket = net.connect(Number(port), host);
    await new Promise<void>((resolve, reject) =>
      socket.once("connect", resolve).once("error", reject),
    );
    return new RawKafkaClient(socket);
  }

  /**
   * Sends a request and resolves with the decoded response body (read at `responseVersion`, which
   * differs only for an ApiVersions request the server cannot parse: it answers in v0).
   */
  request<T>(
    apiKey: number,
    version: number,
    body: unknown,
    responseVersion = version,
  ): Promise<T> {
    const correlationId = this.correlationId++;
    const frame = encodeRequestFrame(
      { requestApiKey: apiKey, requestApiVersion: version, correlationId, clientId: "raw-client" },
      apis[apiKey]!.encodeRequest,
      body,
    );
    const response = new Promise<T>((resolve, reject) => {
      this.waiting.push({
        apiKey,
        version: responseVersion,
        correlationId,
        resolve: resolve as (body: unknown) => void,
        reject,
      });
    });
    this.socket.write(frame);
    return response;
  }

  /** Sends a request whose response the client does not wait for (acks=0 produce). */
  send(apiKey: number, version: number, body: unknown): void {
    const correlationId = this.correlationId++;
    this.socket.write(
      encodeRequestFrame(
        {
          requestApiKey: apiKey,
          requestApiVersion: version,
          correlationId,
          clientId: "raw-client",
        },
        apis[apiKey]!.encodeRequest,
        body,
      ),
    );
  }

  writeRaw(bytes: Buffer): void {
    this.socket.write(bytes);
  }

  close(): void {
    this.socket.destroy();
  }
}
