/** How the browser shows a key, value or header: what Redpanda Console and Confluent offer. */
export const decodings = ["auto", "json", "text", "hex", "base64"] as const;
export type Decoding = (typeof decodings)[number];

export type Decoded =
  | { kind: "json"; value: unknown }
  | { kind: "text"; text: string }
  | { kind: "hex"; text: string }
  | { kind: "base64"; text: string }
  | { kind: "invalid"; reason: string; text: string };

function bytesOf(base64: string): Uint8Array {
  return Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
}

function utf8(bytes: Uint8Array): string | null {
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    return null;
  }
}

function hex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join(" ");
}

/** Auto: JSON when it parses, text when it is UTF-8 without control characters, hex otherwise. */
export function decode(base64: string, decoding: Decoding): Decoded {
  const bytes = bytesOf(base64);
  if (decoding === "base64") return { kind: "base64", text: base64 };
  if (decoding === "hex") return { kind: "hex", text: hex(bytes) };
  const text = utf8(bytes);
  if (decoding === "text")
    return text === null
      ? { kind: "invalid", reason: "Not UTF-8 text: shown as hex", text: hex(bytes) }
      : { kind: "text", text };
  if (text !== null) {
    try {
      return { kind: "json", value: JSON.parse(text) };
    } catch {
      if (decoding === "json") return { kind: "invalid", reason: "Not JSON: shown as text", text };
    }
  }
  if (decoding === "json")
    return { kind: "invalid", reason: "Not JSON: shown as hex", text: hex(bytes) };
  // eslint-disable-next-line no-control-regex
  if (text !== null && !/[\u0000-\u0008\u000e-\u001f]/.test(text)) return { kind: "text", text };
  return { kind: "hex", text: hex(bytes) };
}

/** One line for the table. */
export function preview(decoded: Decoded, max = 120): string {
  const full = decoded.kind === "json" ? JSON.stringify(decoded.value) : decoded.text;
  return full.length > max ? `${full.slice(0, max)}…` : full;
}
