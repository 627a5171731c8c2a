import { ApiKey } from "@streambed/protocol";
import type { SaslSession } from "./sasl-authenticator.ts";

/** What a connection may send before it has authenticated on a cluster that requires SASL. */
const beforeAuthentication = new Set<number>([
  ApiKey.ApiVersions,
  ApiKey.SaslHandshake,
  ApiKey.SaslAuthenticate,
]);

/**
 * Why a request must not run on this connection (the connection is then closed, as Kafka does
 * on a SASL listener), or null when it may. A connection without a cluster (a shared agent's
 * connection before SASL) must authenticate; otherwise its cluster's "require SASL" decides.
 */
export async function saslRefusal(
  apiKey: number,
  connection: { clusterId: string; sasl: SaslSession },
  requireSasl: (clusterId: string) => Promise<boolean>,
): Promise<string | null> {
  if (connection.sasl.principal !== null || beforeAuthentication.has(apiKey)) return null;
  if (connection.clusterId !== "" && !(await requireSasl(connection.clusterId))) return null;
  return `API key ${apiKey} before SASL authentication`;
}
