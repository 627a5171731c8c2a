import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { DecodeError } from "./decode-error.ts";
import { Reader } from "./reader.ts";

const hex = (s: string) => Buffer.from(s.replaceAll(" ", ""), "hex");

describe("Reader", () => {
  it("reads fixed-width big-endian integers", () => {
    const r = new Reader(
      hex("ff 8000 ffff 80000000 ffffffff 8000000000000000 3ff0000000000000 02"),
    );
    expect(r.int8()).toBe(-1);
    expect(r.int16()).toBe(-32768);
    expect(r.uint16()).toBe(65535);
    expect(r.int32()).toBe(-2147483648);
    expect(r.uint32()).toBe(4294967295);
    expect(r.int64()).toBe(-9223372036854775808n);
    expect(r.float64()).toBe(1);
    expect(r.bool()).toBe(true);
    expect(r.remaining()).toBe(0);
  });

  it("reads varints as in the Kafka protocol guide", () => {
    expect(new Reader(hex("ac02")).uvarint()).toBe(300);
    expect(new Reader(hex("01")).varint()).toBe(-1);
    expect(new Reader(hex("02")).varint()).toBe(1);
    expect(new Reader(hex("ffffffff0f")).uvarint()).toBe(0xffffffff);
    expect(new Reader(hex("ffffffffffffffffff01")).varlong()).toBe(-9223372036854775808n);
    expect(new Reader(hex("01")).varlongNumber()).toBe(-1);
  });

  it("reads strings, bytes and uuids", () => {
    const r = new Reader(hex("0002 6869 ffff 03 6869 00 00000001 aa ffffffff 02 bb 00"));
    expect(r.string()).toBe("hi");
    expect(r.nullableString()).toBeNull();
    expect(r.compactString()).toBe("hi");
    expect(r.compactNullableString()).toBeNull();
    expect(r.bytes()).toEqual(hex("aa"));
    expect(r.nullableBytes()).toBeNull();
    expect(r.compactBytes()).toEqual(hex("bb"));
    expect(r.compactNullableBytes()).toBeNull();
    expect(new Reader(hex("00112233445566778899aabbccddeeff")).uuid()).toBe(
      "00112233-4455-6677-8899-aabbccddeeff",
    );
  });

  it("returns bytes as views, not copies", () => {
    const buf = hex("00000002 aabb");
    const bytes = new Reader(buf).bytes();
    expect(bytes.buffer).toBe(buf.buffer);
  });

  it("throws DecodeError on every kind of truncation or bad length", () => {
    const cases: Array<[string, (r: Reader) => unknown]> = [
      ["", (r) => r.int8()],
      ["00", (r) => r.int16()],
      ["000000", (r) => r.int32()],
      ["00000000000000", (r) => r.int64()],
      ["80", (r) => r.uvarint()],
      ["ffffffff1f", (r) => r.uvarint()],
      ["ffffffffffffffffffff01", (r) => r.varlong()],
      ["ffffffffffffffff7f", (r) => r.varlongNumber()],
      ["0005 6869", (r) => r.string()],
      ["ffff", (r) => r.string()],
      ["fffe", (r) => r.nullableString()],
      ["00", (r) => r.compactString()],
      ["7fffffff", (r) => r.bytes()],
      ["fffffffe", (r) => r.nullableBytes()],
      ["7fffffff", (r) => r.arrayLength()],
      ["ffffffff", (r) => r.arrayLength()],
      ["ffffffff0f", (r) => r.compactArrayLength()],
      ["00", (r) => r.compactArrayLength()],
      ["0011", (r) => r.uuid()],
      ["01", (r) => r.skip(2)],
    ];
    for (const [input, read] of cases) {
      expect(() => read(new Reader(hex(input))), input).toThrow(DecodeError);
    }
  });

  it("respects an end bound inside a larger buffer", () => {
    const r = new Reader(hex("0001 0203"), 0, 2);
    expect(r.int16()).toBe(1);
    expect(() => r.int8()).toThrow(DecodeError);
  });

  it("never throws anything but DecodeError on random input", () => {
    const reads: Array<(r: Reader) => unknown> = [
      (r) => r.int64(),
      (r) => r.uvarint(),
      (r) => r.varlong(),
      (r) => r.varlongNumber(),
      (r) => r.compactNullableString(),
      (r) => r.nullableString(),
      (r) => r.compactNullableBytes(),
      (r) => r.nullableArrayLength(),
      (r) => r.compactNullableArrayLength(),
      (r) => r.uuid(),
    ];
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 24 }),
        fc.array(fc.nat(reads.length - 1)),
        (bytes, ops) => {
          const r = new Reader(Buffer.from(bytes));
          try {
            for (const op of ops) reads[op]!(r);
          } catch (e) {
            if (!(e instanceof DecodeError)) throw e;
          }
        },
      ),
    );
  });
});
