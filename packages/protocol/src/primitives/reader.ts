import { DecodeError } from "./decode-error.ts";
import { formatUuid } from "./uuid.ts";

/**
 * Bounds-checked cursor over a Buffer, reading Kafka's wire primitives (big-endian).
 * Every read past `end` throws a DecodeError; lengths are checked against the remaining bytes
 * before anything is allocated, so hostile input can neither crash nor balloon memory.
 * Byte fields are returned as views (subarray) into the underlying buffer, never copied.
 */
export class Reader {
  readonly buf: Buffer;
  offset: number;
  readonly end: number;

  constructor(buf: Buffer, offset = 0, end = buf.length) {
    this.buf = buf;
    this.offset = offset;
    this.end = end;
  }

  remaining(): number {
    return this.end - this.offset;
  }

  /** Throws unless `n` more bytes are available. */
  need(n: number): void {
    if (n > this.end - this.offset || n < 0) {
      throw new DecodeError(`need ${n} bytes, ${this.end - this.offset} remaining`, this.offset);
    }
  }

  skip(n: number): void {
    this.need(n);
    this.offset += n;
  }

  int8(): number {
    if (this.offset >= this.end) this.need(1);
    const v = this.buf[this.offset++]!;
    return (v << 24) >> 24;
  }

  uint8(): number {
    if (this.offset >= this.end) this.need(1);
    return this.buf[this.offset++]!;
  }

  bool(): boolean {
    return this.uint8() !== 0;
  }

  int16(): number {
    const o = this.offset;
    if (o + 2 > this.end) this.need(2);
    const b = this.buf;
    this.offset = o + 2;
    return (((b[o]! << 8) | b[o + 1]!) << 16) >> 16;
  }

  uint16(): number {
    const o = this.offset;
    if (o + 2 > this.end) this.need(2);
    const b = this.buf;
    this.offset = o + 2;
    return (b[o]! << 8) | b[o + 1]!;
  }

  int32(): number {
    const o = this.offset;
    if (o + 4 > this.end) this.need(4);
    const b = this.buf;
    this.offset = o + 4;
    return (b[o]! << 24) | (b[o + 1]! << 16) | (b[o + 2]! << 8) | b[o + 3]!;
  }

  uint32(): number {
    return this.int32() >>> 0;
  }

  int64(): bigint {
    const o = this.offset;
    if (o + 8 > this.end) this.need(8);
    this.offset = o + 8;
    return this.buf.readBigInt64BE(o);
  }

  float64(): number {
    const o = this.offset;
    if (o + 8 > this.end) this.need(8);
    this.offset = o + 8;
    return this.buf.readDoubleBE(o);
  }

  /** Unsigned LEB128 varint of at most 5 bytes (a uint32). */
  uvarint(): number {
    const b = this.buf;
    let o = this.offset;
    const start = o;
    let result = 0;
    let shift = 0;
    for (;;) {
      if (o >= this.end) throw new DecodeError("truncated varint", start);
      const byte = b[o++]!;
      if (shift === 28) {
        if (byte > 0x0f) throw new DecodeError("varint longer than 32 bits", start);
        result += byte * 0x10000000;
        break;
      }
      result |= (byte & 0x7f) << shift;
      if (byte < 0x80) break;
      shift += 7;
    }
    this.offset = o;
    return result >>> 0;
  }

  /** Zigzag-encoded signed 32-bit varint. */
  varint(): number {
    const n = this.uvarint();
    return (n >>> 1) ^ -(n & 1);
  }

  /** Zigzag-encoded signed 64-bit varint. */
  varlong(): bigint {
    const b = this.buf;
    let o = this.offset;
    const start = o;
    let result = 0n;
    let shift = 0n;
    for (let i = 0; ; i++) {
      if (o >= this.end) throw new DecodeError("truncated varlong", start);
      if (i === 10) throw new DecodeError("varlong longer than 64 bits", start);
      const byte = b[o++]!;
      result |= BigInt(byte & 0x7f) << shift;
      if (byte < 0x80) break;
      shift += 7n;
    }
    this.offset = o;
    result = BigInt.asUintN(64, result);
    return BigInt.asIntN(64, (result >> 1n) ^ -(result & 1n));
  }

  /**
   * Zigzag varlong as a JS number, without BigInt on the hot path (record timestamps and
   * offset deltas). Throws a DecodeError when the value is outside the safe-integer range.
   */
  varlongNumber(): number {
    const b = this.buf;
    let o = this.offset;
    const start = o;
    if (o >= this.end) throw new DecodeError("truncated varlong", start);
    // Zigzag is undone on the fly (sign from bit 0, magnitude from the rest) so every
    // intermediate value stays an exact double.
    let byte = b[o++]!;
    const negative = (byte & 1) === 1;
    let magnitude = (byte & 0x7f) >>> 1;
    let mul = 64;
    for (let i = 1; byte >= 0x80; i++) {
      if (o >= this.end) throw new DecodeError("truncated varlong", start);
      if (i === 8) throw new DecodeError("varlong outside the safe integer range", start);
      byte = b[o++]!;
      magnitude += (byte & 0x7f) * mul;
      mul *= 128;
    }
    if (magnitude > Number.MAX_SAFE_INTEGER - (negative ? 1 : 0)) {
      throw new DecodeError("varlong outside the safe integer range", start);
    }
    this.offset = o;
    return negative ? -magnitude - 1 : magnitude;
  }

  uuid(): string {
    const o = this.offset;
    if (o + 16 > this.end) this.need(16);
    this.offset = o + 16;
    return formatUuid(this.buf, o);
  }

  private utf8(len: number): string {
    const o = this.offset;
    if (len > this.end - o) this.need(len);
    this.offset = o + len;
    return this.buf.toString("utf8", o, o + len);
  }

  private view(len: number): Buffer {
    const o = this.offset;
    if (len > this.end - o) this.need(len);
    this.offset = o + len;
    return this.buf.subarray(o, o + len);
  }

  /** int16 length + UTF-8; a null (-1) here is malformed. */
  string(): string {
    const len = this.int16();
    if (len < 0) throw new DecodeError("non-nullable string is null", this.offset - 2);
    return this.utf8(len);
  }

  nullableString(): string | null {
    const len = this.int16();
    if (len < 0) {
      if (len !== -1) throw new DecodeError(`invalid string length ${len}`, this.offset - 2);
      return null;
    }
    return this.utf8(len);
  }

  /** Unsigned varint (length + 1) + UTF-8; 0 (null) here is malformed. */
  compactString(): string {
    const start = this.offset;
    const n = this.uvarint();
    if (n === 0) throw new DecodeError("non-nullable compact string is null", start);
    return this.utf8(n - 1);
  }

  compactNullableString(): string | null {
    const n = this.uvarint();
    return n === 0 ? null : this.utf8(n - 1);
  }

  /** int32 length + bytes, returned as a view into the buffer. */
  bytes(): Buffer {
    const len = this.int32();
    if (len < 0) throw new DecodeError("non-nullable bytes are null", this.offset - 4);
    return this.view(len);
  }

  nullableBytes(): Buffer | null {
    const len = this.int32();
    if (len < 0) {
      if (len !== -1) throw new DecodeError(`invalid bytes length ${len}`, this.offset - 4);
      return null;
    }
    return this.view(len);
  }

  compactBytes(): Buffer {
    const start = this.offset;
    const n = this.uvarint();
    if (n === 0) throw new DecodeError("non-nullable compact bytes are null", start);
    return this.view(n - 1);
  }

  compactNullableBytes(): Buffer | null {
    const n = this.uvarint();
    return n === 0 ? null : this.view(n - 1);
  }

  /** `len` raw bytes as a view. */
  raw(len: number): Buffer {
    return this.view(len);
  }

  /**
   * int32 array length; -1 is null. Kafka's rule: a count larger than the remaining bytes is
   * malformed (every element takes at least one byte), checked before allocating.
   */
  nullableArrayLength(): number {
    const start = this.offset;
    const n = this.int32();
    if (n < 0) {
      if (n !== -1) throw new DecodeError(`invalid array length ${n}`, start);
      return -1;
    }
    if (n > this.end - this.offset) {
      throw new DecodeError(`array of ${n} elements exceeds remaining bytes`, start);
    }
    return n;
  }

  arrayLength(): number {
    const start = this.offset;
    const n = this.nullableArrayLength();
    if (n < 0) throw new DecodeError("non-nullable array is null", start);
    return n;
  }

  /** Compact array length (unsigned varint of count + 1); -1 is null. */
  compactNullableArrayLength(): number {
    const start = this.offset;
    const n = this.uvarint() - 1;
    if (n > this.end - this.offset) {
      throw new DecodeError(`array of ${n} elements exceeds remaining bytes`, start);
    }
    return n;
  }

  compactArrayLength(): number {
    const start = this.offset;
    const n = this.compactNullableArrayLength();
    if (n < 0) throw new DecodeError("non-nullable compact array is null", start);
    return n;
  }
}
