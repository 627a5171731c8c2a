import { randomBytes, randomUUID } from "node:crypto";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  decodeFlushObjectFooter,
  encodeFlushObject,
  FlushObjectFormatError,
} from "./flush-object.ts";

describe("flush object format", () => {
  it("round-trips sections and keeps the batches byte for byte", () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            chunks: fc.array(fc.integer({ min: 0, max: 300 }), { minLength: 1, maxLength: 3 }),
            partition: fc.nat(5000),
          }),
          {
            maxLength: 20,
          },
        ),
        (specs) => {
          const inputs = specs.map((s) => ({
            topicId: randomUUID(),
            partition: s.partition,
            chunks: s.chunks.map((n) => randomBytes(n)),
            recordCount: s.chunks.length,
            maxTimestamp: BigInt(s.partition) - 1n,
          }));
          const encoded = encodeFlushObject(inputs);
          const object = Buffer.concat(encoded.parts);
          expect(object.length).toBe(encoded.size);
          const sections = decodeFlushObjectFooter(object);
          expect(sections).toEqual(encoded.sections);
          sections.forEach((s, i) => {
            expect(s.topicId).toBe(inputs[i]!.topicId);
            expect(
              object
                .subarray(s.byteOffset, s.byteOffset + s.byteLength)
                .equals(Buffer.concat(inputs[i]!.chunks)),
            ).toBe(true);
          });
        },
      ),
    );
  });

  it("rejects objects that are not flush objects", () => {
    expect(() => decodeFlushObjectFooter(Buffer.alloc(3))).toThrow(FlushObjectFormatError);
    const object = Buffer.concat(encodeFlushObject([]).parts);
    expect(decodeFlushObjectFooter(object)).toEqual([]);
    const bad = Buffer.from(object);
    bad[bad.length - 1] = 0;
    expect(() => decodeFlushObjectFooter(bad)).toThrow(/bad magic/);
  });
});
