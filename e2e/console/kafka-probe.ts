import { Socket } from "node:net";

const SASL_HANDSHAKE = 17;
const API_VERSIONS = 18;

/**
 * Asks a broker for its ApiVersions (v0, understood by every Kafka broker) and returns the API
 * keys it advertises, so tests can skip what the agent does not speak yet.
 */
export function advertisedApiKeys(
  host: string,
  port: number,
  timeoutMs = 5_000,
): Promise<Set<number>> {
  return new Promise((resolve, reject) => {
    const socket = new Socket();
    const clientId = Buffer.from("streambed-e2e-probe");
    const body = Buffer.alloc(2 + 2 + 4 + 2 + clientId.length);
    body.writeInt16BE(API_VERSIONS, 0);
    body.writeInt16BE(0, 2);
    body.writeInt32BE(1, 4);
    body.writeInt16BE(clientId.length, 8);
    clientId.copy(body, 10);
    const frame = Buffer.alloc(4 + body.length);
    frame.writeInt32BE(body.length, 0);
    body.copy(frame, 4);

    let received = Buffer.alloc(0);
    const timer = setTimeout(() => fail(new Error("ApiVersions probe timed out")), timeoutMs);
    function fail(err: Error) {
      clearTimeout(timer);
      socket.destroy();
      reject(err);
    }
    socket.on("error", fail);
    socket.on("data", (chunk) => {
      received = Buffer.concat([received, chunk]);
      if (received.length < 4 || received.length < 4 + received.readInt32BE(0)) return;
      clearTimeout(timer);
      socket.destroy();
      // size, correlation id, error code, [api key, min version, max version]
      const count = received.readInt32BE(10);
      const keys = new Set<number>();
      for (let i = 0; i < count; i++) keys.add(received.readInt16BE(14 + i * 6));
      resolve(keys);
    });
    socket.connect(port, host, () => socket.write(frame));
  });
}

export async function agentSpeaksSasl(host: string, port: number): Promise<boolean> {
  try {
    return (await advertisedApiKeys(host, port)).has(SASL_HANDSHAKE);
  } catch {
    return false;
  }
}
