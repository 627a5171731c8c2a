/**
 * A Kafka string the agent stores as its UTF-8 bytes (Kafka strings are opaque and may hold NUL,
 * which text columns refuse), as text for the console.
 */
export function kafkaText(bytes: Uint8Array | null | undefined): string | null {
  return bytes ? Buffer.from(bytes).toString("utf8") : null;
}
