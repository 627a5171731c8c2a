import { readFile } from "node:fs/promises";
import type tls from "node:tls";
import type { AgentConfig } from "../config.ts";

/**
 * TLS settings of the Kafka listener from --tls-cert / --tls-key (PEM files), or null for
 * plaintext. With --tls-client-ca, clients must present a certificate signed by that CA (mTLS).
 */
export async function loadTlsOptions(
  config: Pick<AgentConfig, "tlsCert" | "tlsKey" | "tlsClientCa">,
): Promise<tls.TlsOptions | null> {
  if (!config.tlsCert || !config.tlsKey) return null;
  const [cert, key, ca] = await Promise.all([
    readFile(config.tlsCert),
    readFile(config.tlsKey),
    config.tlsClientCa ? readFile(config.tlsClientCa) : Promise.resolve(undefined),
  ]);
  return ca ? { cert, key, ca, requestCert: true, rejectUnauthorized: true } : { cert, key };
}
