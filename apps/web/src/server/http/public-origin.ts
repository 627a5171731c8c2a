import { webConfig, type WebConfig } from "../config.ts";

/**
 * The one place that decides the console's public origin (trusted origin of better-auth, links in
 * mail and invitations, Stripe return URLs, the API reference's examples).
 *
 * STREAMBED_PUBLIC_URL, when set, is the answer for every request. Otherwise the origin is the
 * address the browser used: X-Forwarded-Host/-Proto when the console sits behind a trusted proxy
 * (STREAMBED_TRUST_PROXY), else the Host header. Not the request URL: `next start` builds that
 * from the address it binds (0.0.0.0, localhost), which is why 127.0.0.1 or a LAN address used
 * to fail with "Invalid origin".
 */
export function publicOrigin(
  headers: Headers,
  config: Pick<WebConfig, "publicUrl" | "trustProxy"> = webConfig(),
): string | null {
  if (config.publicUrl) return new URL(config.publicUrl).origin;
  const forwardedHost = config.trustProxy ? firstValue(headers.get("x-forwarded-host")) : null;
  const forwardedProto = config.trustProxy ? firstValue(headers.get("x-forwarded-proto")) : null;
  const host = forwardedHost ?? headers.get("host");
  const protocol = forwardedProto === "https" ? "https" : "http";
  // A Host header is "host[:port]" (IPv6 in brackets); anything more is not an origin.
  if (!host || !/^[a-z0-9.\-[\]:]+$/i.test(host)) return null;
  try {
    return new URL(`${protocol}://${host}`).origin;
  } catch {
    return null;
  }
}

/** Proxies append to these headers: the first value is what the client asked for. */
function firstValue(header: string | null): string | null {
  const value = header?.split(",")[0]?.trim();
  return value ? value : null;
}
