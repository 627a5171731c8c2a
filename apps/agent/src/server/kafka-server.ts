import net from "node:net";
import tls from "node:tls";
import type { Logger } from "pino";
import type { AgentServices } from "./agent-services.ts";
import { Connection } from "./connection.ts";
import type { DispatchTable } from "../apis/dispatch.ts";

/** The Kafka port: accepts connections up to the configured limit and tracks them for shutdown. */
export class KafkaServer {
  private readonly server: net.Server;
  private readonly connections = new Set<Connection>();
  private nextId = 1;

  constructor(
    private readonly dispatch: DispatchTable,
    private readonly services: AgentServices,
    private readonly logger: Logger,
    /** When set, the listener speaks TLS only (SSL / SASL_SSL clients). */
    tlsOptions: tls.TlsOptions | null = null,
  ) {
    this.server = tlsOptions
      ? tls
          .createServer(tlsOptions, (socket) => this.accept(socket))
          .on("tlsClientError", (err) => logger.debug({ err }, "TLS handshake failed"))
      : net.createServer((socket) => this.accept(socket));
    this.server.on("error", (err) => logger.error({ err }, "kafka listener error"));
    services.metrics.countConnections = () => this.connectionsByCluster();
  }

  /** Open connections by the cluster they serve (connections not yet bound to one are left out). */
  connectionsByCluster(): Map<string, number> {
    const counts = new Map<string, number>();
    for (const { info } of this.connections)
      if (info.clusterId !== "") counts.set(info.clusterId, (counts.get(info.clusterId) ?? 0) + 1);
    return counts;
  }

  async listen(port: number, host: string): Promise<number> {
    await new Promise<void>((resolve, reject) => {
      this.server.once("error", reject);
      this.server.listen(port, host, () => {
        this.server.off("error", reject);
        resolve();
      });
    });
    return (this.server.address() as net.AddressInfo).port;
  }

  /** Stops accepting, answers every request already read, then closes every connection. */
  async close(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    const drained = [...this.connections].map((c) => c.drain());
    for (const c of this.connections) c.abortWaits();
    await Promise.all(drained);
    for (const c of this.connections) c.close();
    await closed;
  }

  private accept(socket: net.Socket): void {
    const { metrics, config } = this.services;
    if (this.connections.size >= config.maxConnections) {
      metrics.connectionsRejected.inc();
      this.logger.warn(
        { remote: socket.remoteAddress, limit: config.maxConnections },
        "connection limit reached",
      );
      socket.destroy();
      return;
    }
    const connection = new Connection(
      socket,
      this.nextId++,
      this.dispatch,
      this.services,
      this.logger,
    );
    this.connections.add(connection);
    metrics.connections.inc();
    socket.on("close", () => {
      this.connections.delete(connection);
      metrics.connections.dec();
    });
  }
}
