import { writeUuidBytes } from "./uuid.ts";

const MAX_INT16 = 0x7fff;

/**
 * Growable big-endian buffer for Kafka's wire primitives. Capacity doubles when exceeded, so a
 * message costs a handful of allocations in total rather than one per field.
 */
export class Writer {
  private buf: Buffer;
  private pos = 0;

  constructor(initialCapacity = 256) {
    this.buf = Buffer.allocUnsafe(Math.max(16, initialCapacity));
  }

  /** Bytes written so far. */
  get length(): number {
    return this.pos;
  }

  /** Makes room for `n` more bytes. */
  ensure(n: number): void {
    const needed = this.pos + n;
    if (needed <= this.buf.length) return;
    let cap = this.buf.length * 2;
    while (cap < needed) cap *= 2;
    const next = Buffer.allocUnsafe(cap);
    this.buf.copy(next, 0, 0, this.pos);
    this.buf = next;
  }

  /** The bytes written, as a view of the internal buffer. The writer must not be used afterwards. */
  finish(): Buffer {
    return this.buf.subarray(0, this.pos);
  }

  int8(v: number): void {
    this.ensure(1);
    this.buf[this.pos++] = v & 0xff;
  }

  uint8(v: number): void {
    this.int8(v);
  }

  bool(v: boolean): void {
    this.int8(v ? 1 : 0);
  }

  int16(v: number): void {
    this.ensure(2);
    const b = this.buf;
    const o = this.pos;
    b[o] = (v >>> 8) & 0xff;
    b[o + 1] = v & 0xff;
    this.pos = o + 2;
  }

  uint16(v: number): void {
    this.int16(v);
  }

  int32(v: number): void {
    this.ensure(4);
    const b = this.buf;
    const o = this.pos;
    b[o] = (v >>> 24) & 0xff;
    b[o + 1] = (v >>> 16) & 0xff;
    b[o + 2] = (v >>> 8) & 0xff;
    b[o + 3] = v & 0xff;
    this.pos = o + 4;
  }

  uint32(v: number): void {
    this.int32(v);
  }

  int64(v: bigint): void {
    this.ensure(8);
    this.buf.writeBigInt64BE(BigInt.asIntN(64, v), this.pos);
    this.pos += 8;
  }

  float64(v: number): void {
    this.ensure(8);
    this.buf.writeDoubleBE(v, this.pos);
    this.pos += 8;
  }

  /** Unsigned LEB128 varint of a uint32. */
  uvarint(v: number): void {
    this.ensure(5);
    const b = this.buf;
    let o = this.pos;
    let n = v >>> 0;
    while (n >= 0x80) {
      b[o++] = (n & 0x7f) | 0x80;
      n >>>= 7;
    }
    b[o++] = n;
    this.pos = o;
  }

  /** Zigzag-encoded signed 32-bit varint. */
  varint(v: number): void {
    this.uvarint((v << 1) ^ (v >> 31));
  }

  /** Zigzag-encoded signed 64-bit varint. */
  varlong(v: bigint): void {
    let n = BigInt.asUintN(64, (v << 1n) ^ (v >> 63n));
    this.ensure(10);
    const b = this.buf;
    let o = this.pos;
    while (n >= 0x80n) {
      b[o++] = Number(n & 0x7fn) | 0x80;
      n >>= 7n;
    }
    b[o++] = Number(n);
    this.pos = o;
  }

  /** Zigzag varlong from a safe integer, without BigInt on the hot path. */
  varlongNumber(v: number): void {
    if (!Number.isSafeInteger(v)) throw new RangeError(`not a safe integer: ${v}`);
    // Zigzag done piecewise (sign into bit 0) because 2 * v may not be an exact double.
    const negative = v < 0;
    let magnitude = negative ? -v - 1 : v;
    this.ensure(10);
    const b = this.buf;
    let o = this.pos;
    let low = ((magnitude % 64) << 1) | (negative ? 1 : 0);
    magnitude = Math.floor(magnitude / 64);
    while (magnitude > 0) {
      b[o++] = low | 0x80;
      low = magnitude % 128;
      magnitude = Math.floor(magnitude / 128);
    }
    b[o++] = low;
    this.pos = o;
  }

  uuid(v: string): void {
    this.ensure(16);
    writeUuidBytes(v, this.buf, this.pos);
    this.pos += 16;
  }

  /** Raw bytes, no length prefix. */
  raw(v: Buffer): void {
    this.ensure(v.length);
    v.copy(this.buf, this.pos);
    this.pos += v.length;
  }

  string(v: string): void {
    const len = Buffer.byteLength(v, "utf8");
    if (len > MAX_INT16) throw new RangeError(`string of ${len} bytes exceeds int16 length`);
    this.ensure(2 + len);
    this.int16(len);
    this.pos += this.buf.write(v, this.pos, len, "utf8");
  }

  nullableString(v: string | null): void {
    if (v === null) this.int16(-1);
    else this.string(v);
  }

  compactString(v: string): void {
    // Fast path: a string whose worst-case UTF-8 size fits a one-byte length prefix is written
    // once and its length backfilled, saving the separate byteLength pass.
    if (v.length * 3 < 0x7f) {
      this.ensure(1 + v.length * 3);
      const lenAt = this.pos;
      const len = this.buf.write(v, lenAt + 1, "utf8");
      this.buf[lenAt] = len + 1;
      this.pos = lenAt + 1 + len;
      return;
    }
    const len = Buffer.byteLength(v, "utf8");
    this.uvarint(len + 1);
    this.ensure(len);
    this.pos += this.buf.write(v, this.pos, len, "utf8");
  }

  compactNullableString(v: string | null): void {
    if (v === null) this.uvarint(0);
    else this.compactString(v);
  }

  bytes(v: Buffer): void {
    this.int32(v.length);
    this.raw(v);
  }

  nullableBytes(v: Buffer | null): void {
    if (v === null) this.int32(-1);
    else this.bytes(v);
  }

  compactBytes(v: Buffer): void {
    this.uvarint(v.length + 1);
    this.raw(v);
  }

  compactNullableBytes(v: Buffer | null): void {
    if (v === null) this.uvarint(0);
    else this.compactBytes(v);
  }

  /** Reserves 4 bytes (for a size prefix) and returns their offset, for `patchInt32`. */
  reserveInt32(): number {
    this.ensure(4);
    const at = this.pos;
    this.pos += 4;
    return at;
  }

  patchInt32(at: number, v: number): void {
    this.buf.writeInt32BE(v | 0, at);
  }
}
