import net from "node:net";

/** A TCP proxy on loopback that can black-hole all its traffic (a network partition) and heal. */
export interface TcpProxy {
  port: number;
  /** Connections passed through so far. */
  readonly connections: number;
  /**
   * Partition: no byte moves either way and new connections get no answer, as when packets are
   * dropped (the kernel keeps the bytes; TCP would retransmit them after the partition heals).
   */
  blackhole(): void;
  /** The partition heals: held bytes and connections go through. */
  heal(): void;
  close(): Promise<void>;
}

/** Proxies 127.0.0.1:<port> to `target`. */
export async function startTcpProxy(target: { host: string; port: number }): Promise<TcpProxy> {
  const sockets = new Set<net.Socket>();
  const held: (() => void)[] = [];
  let partitioned = false;
  let connections = 0;

  const track = (socket: net.Socket) => {
    sockets.add(socket);
    if (partitioned) socket.pause();
    socket.on("close", () => sockets.delete(socket));
    socket.on("error", () => socket.destroy());
  };

  const server = net.createServer((client) => {
    connections++;
    track(client);
    const connect = () => {
      const upstream = net.connect(target.port, target.host);
      track(upstream);
      // Plain data handlers, not pipe(): a pipe resumes a paused socket on 'drain'.
      client.on("data", (chunk: Buffer) => upstream.write(chunk));
      upstream.on("data", (chunk: Buffer) => client.write(chunk));
      client.on("close", () => upstream.destroy());
      upstream.on("close", () => client.destroy());
    };
    if (partitioned) held.push(connect);
    else connect();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as net.AddressInfo;

  return {
    port,
    get connections() {
      return connections;
    },
    blackhole() {
      partitioned = true;
      for (const s of sockets) s.pause();
    },
    heal() {
      partitioned = false;
      for (const s of sockets) s.resume();
      for (const connect of held.splice(0)) connect();
    },
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
