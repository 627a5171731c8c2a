import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { Reader } from "./reader.ts";
import { Writer } from "./writer.ts";

const hex = (s: string) => Buffer.from(s.replaceAll(" ", ""), "hex");

describe("Writer/Reader round trips", () => {
  const roundTrip = <T>(write: (w: Writer, v: T) => void, read: (r: Reader) => T) => {
    return (v: T) => {
      const w = new Writer(1);
      write(w, v);
      write(w, v);
      const r = new Reader(w.finish());
      expect(read(r)).toEqual(v);
      expect(read(r)).toEqual(v);
      expect(r.remaining()).toBe(0);
    };
  };

  const int32 = fc.integer({ min: -0x80000000, max: 0x7fffffff });
  const int64 = fc.bigInt({ min: -(1n << 63n), max: (1n << 63n) - 1n });
  const str = fc.string({ unit: "binary", maxLength: 200 });
  const buf = fc.uint8Array({ maxLength: 300 }).map((a) => Buffer.from(a));

  const cases: Array<
    [string, fc.Arbitrary<unknown>, (w: Writer, v: never) => void, (r: Reader) => unknown]
  > = [
    ["int8", fc.integer({ min: -128, max: 127 }), (w, v) => w.int8(v), (r) => r.int8()],
    ["int16", fc.integer({ min: -32768, max: 32767 }), (w, v) => w.int16(v), (r) => r.int16()],
    ["uint16", fc.integer({ min: 0, max: 65535 }), (w, v) => w.uint16(v), (r) => r.uint16()],
    ["int32", int32, (w, v) => w.int32(v), (r) => r.int32()],
    ["uint32", fc.nat({ max: 0xffffffff }), (w, v) => w.uint32(v), (r) => r.uint32()],
    ["int64", int64, (w, v) => w.int64(v), (r) => r.int64()],
    ["float64", fc.double({ noNaN: true }), (w, v) => w.float64(v), (r) => r.float64()],
    ["bool", fc.boolean(), (w, v) => w.bool(v), (r) => r.bool()],
    ["uvarint", fc.nat({ max: 0xffffffff }), (w, v) => w.uvarint(v), (r) => r.uvarint()],
    ["varint", int32, (w, v) => w.varint(v), (r) => r.varint()],
    ["varlong", int64, (w, v) => w.varlong(v), (r) => r.varlong()],
    ["varlongNumber", fc.maxSafeInteger(), (w, v) => w.varlongNumber(v), (r) => r.varlongNumber()],
    ["uuid", fc.uuid(), (w, v) => w.uuid(v), (r) => r.uuid()],
    ["string", str, (w, v) => w.string(v), (r) => r.string()],
    ["nullableString", fc.option(str), (w, v) => w.nullableString(v), (r) => r.nullableString()],
    ["compactString", str, (w, v) => w.compactString(v), (r) => r.compactString()],
    [
      "compactNullableString",
      fc.option(str),
      (w, v) => w.compactNullableString(v),
      (r) => r.compactNullableString(),
    ],
    ["bytes", buf, (w, v) => w.bytes(v), (r) => r.bytes()],
    ["nullableBytes", fc.option(buf), (w, v) => w.nullableBytes(v), (r) => r.nullableBytes()],
    ["compactBytes", buf, (w, v) => w.compactBytes(v), (r) => r.compactBytes()],
    [
      "compactNullableBytes",
      fc.option(buf),
      (w, v) => w.compactNullableBytes(v),
      (r) => r.compactNullableBytes(),
    ],
  ];

  for (const [name, arb, write, read] of cases) {
    it(name, () => fc.assert(fc.property(arb, roundTrip(write as never, read))));
  }

  it("encodes varints as in the Kafka protocol guide", () => {
    const w = new Writer();
    w.uvarint(300);
    w.varint(-1);
    w.varlongNumber(-1);
    expect(w.finish()).toEqual(hex("ac02 01 01"));
  });

  it("varlongNumber and varlong agree on the wire", () => {
    fc.assert(
      fc.property(fc.maxSafeInteger(), (v) => {
        const a = new Writer();
        a.varlongNumber(v);
        const b = new Writer();
        b.varlong(BigInt(v));
        expect(a.finish()).toEqual(b.finish());
      }),
    );
  });

  it("grows geometrically and backfills int32 size prefixes", () => {
    const w = new Writer(16);
    const at = w.reserveInt32();
    for (let i = 0; i < 1000; i++) w.int32(i);
    w.patchInt32(at, w.length - 4);
    const r = new Reader(w.finish());
    expect(r.int32()).toBe(4000);
    for (let i = 0; i < 1000; i++) expect(r.int32()).toBe(i);
  });

  it("rejects strings too long for an int16 length and malformed uuids", () => {
    expect(() => new Writer().string("x".repeat(40000))).toThrow(RangeError);
    expect(() => new Writer().uuid("not-a-uuid")).toThrow(TypeError);
  });
});
