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

/** Hex digit value by char code, -1 for anything else. */
const NIBBLE = new Int8Array(128).fill(-1);
for (let i = 0; i < 16; i++) {
  NIBBLE["0123456789abcdef".charCodeAt(i)] = i;
  NIBBLE["0123456789ABCDEF".charCodeAt(i)] = i;
}

/** Writes a dashed UUID string as 16 bytes at `offset`; throws on a malformed string. */
export function writeUuidBytes(uuid: string, buf: Buffer, offset: number): void {
  // Hand-rolled: topic ids are written per topic in Metadata/Fetch responses, and a regex plus
  // a hex decode was a quarter of Metadata encoding time.
  if (uuid.length !== 36) throw new TypeError(`not a UUID: ${JSON.stringify(uuid)}`);
  let o = offset;
  for (let i = 0; i < 36; i += 2) {
    if (i === 8 || i === 13 || i === 18 || i === 23) {
      if (uuid.charCodeAt(i) !== 45) throw new TypeError(`not a UUID: ${JSON.stringify(uuid)}`);
      i--;
      continue;
    }
    const hi = NIBBLE[uuid.charCodeAt(i)] ?? -1;
    const lo = NIBBLE[uuid.charCodeAt(i + 1)] ?? -1;
    if (hi < 0 || lo < 0) throw new TypeError(`not a UUID: ${JSON.stringify(uuid)}`);
    buf[o++] = (hi << 4) | lo;
  }
}

export function isUuid(value: string): boolean {
  return UUID_PATTERN.test(value);
}
