import net from "node:net";

/**
 * A TCP proxy in front of an agent that keeps every request frame clients send through it
 * (without the size prefix): real clients' requests, as seeds for fuzzing. Clients connect to the
 * brokers Metadata lists, so the agent must advertise the proxy's `listen` address (for example
 * 127.0.0.2 and its own port, while it listens on 127.0.0.1).
 */
export interface FrameCapture {
  address: string;
  frames: Buffer[];
  close(): Promise<void>;
}

export async function captureFrames(target: string, listen: string): Promise<FrameCapture> {
  const [host, port] = target.split(":") as [string, string];
  const frames: Buffer[] = [];
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const upstream = net.connect(Number(port), host);
    sockets.add(client).add(upstream);
    let pending = Buffer.alloc(0);
    client.on("data", (chunk: Buffer) => {
      pending = Buffer.concat([pending, chunk]);
      while (pending.length >= 4 && pending.length >= 4 + pending.readInt32BE(0)) {
        const size = pending.readInt32BE(0);
        frames.push(Buffer.from(pending.subarray(4, 4 + size)));
        pending = pending.subarray(4 + size);
      }
      upstream.write(chunk);
    });
    upstream.pipe(client);
    const end = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on("close", end).on("error", end);
    upstream.on("close", end).on("error", end);
  });
  const [listenHost, listenPort] = listen.split(":") as [string, string];
  await new Promise<void>((resolve) => server.listen(Number(listenPort), listenHost, resolve));
  return {
    address: listen,
    frames,
    close: () =>
      new Promise((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
