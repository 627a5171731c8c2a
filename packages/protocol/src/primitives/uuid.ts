const HEX: string[] = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, "0"));
const UUID_PATTERN =
  /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

/** The all-zero UUID, Kafka's "no id" value (Uuid.ZERO_UUID). */
export const ZERO_UUID = "00000000-0000-0000-0000-000000000000";

/** Formats 16 bytes at `offset` as a lowercase dashed UUID. */
export function formatUuid(buf: Buffer, offset: number): string {
  let s = "";
  for (let i = 0; i < 16; i++) {
    if (i === 4 || i === 6 || i === 8 || i === 10) s += "-";
    s += HEX[buf[offset + i]!]!;
  }
  return s;
}

/** Writes a dashed UUID string as 16 bytes at `offset`; throws on a malformed string. */
export function writeUuidBytes(uuid: string, buf: Buffer, offset: number): void {
  if (!UUID_PATTERN.test(uuid)) throw new TypeError(`not a UUID: ${JSON.stringify(uuid)}`);
  const hex = uuid.replaceAll("-", "");
  buf.write(hex, offset, 16, "hex");
}

export function isUuid(value: string): boolean {
  return UUID_PATTERN.test(value);
}
