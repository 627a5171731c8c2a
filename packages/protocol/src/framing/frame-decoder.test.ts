import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  DEFAULT_MAX_FRAME_SIZE,
  FrameDecoder,
  FrameSizeError,
  HEAD_BYTES,
} from "./frame-decoder.ts";

function frame(payload: Buffer): Buffer {
  const size = Buffer.alloc(4);
  size.writeInt32BE(payload.length);
  return Buffer.concat([size, payload]);
}

/** Feeds the framed payloads to `d` cut at `cuts` (modulo the stream length); expects them back whole. */
function expectFramesBack(d: FrameDecoder, payloads: Uint8Array[], cuts: number[]): void {
  const stream = Buffer.concat(payloads.map((p) => frame(Buffer.from(p))));
  const points = [...new Set(cuts.map((c) => c % (stream.length + 1)))].sort((a, b) => a - b);
  const out: Buffer[] = [];
  let from = 0;
  for (const to of [...points, stream.length]) {
    out.push(...d.push(stream.subarray(from, to)));
    from = to;
  }
  expect(out.map((f) => Buffer.from(f))).toEqual(payloads.map((p) => Buffer.from(p)));
  expect(d.bufferedBytes).toBe(0);
}

describe("FrameDecoder", () => {
  it("returns frames inside one chunk as views of it, without copying", () => {
    const chunk = Buffer.concat([
      frame(Buffer.from("abc")),
      frame(Buffer.alloc(0)),
      frame(Buffer.from("de")),
    ]);
    const frames = new FrameDecoder().push(chunk);
    expect(frames.map((f) => f.toString())).toEqual(["abc", "", "de"]);
    expect(frames.every((f) => f.buffer === chunk.buffer)).toBe(true);
  });

  it("assembles frames split anywhere, including inside the size prefix", () => {
    const d = new FrameDecoder();
    const bytes = Buffer.concat([frame(Buffer.from("hello")), frame(Buffer.from("x"))]);
    expect(d.push(bytes.subarray(0, 2))).toEqual([]);
    expect(d.push(bytes.subarray(2, 6))).toEqual([]);
    expect(d.bufferedBytes).toBe(6);
    expect(d.push(bytes.subarray(6, 11)).map(String)).toEqual(["hello"]);
    expect(d.push(bytes.subarray(11)).map(String)).toEqual(["x"]);
    expect(d.bufferedBytes).toBe(0);
  });

  it("rejects negative and oversized frames with a typed error", () => {
    expect(() => new FrameDecoder().push(Buffer.from([0xff, 0xff, 0xff, 0xff]))).toThrow(
      FrameSizeError,
    );
    const small = new FrameDecoder({ maxFrameSize: 10 });
    expect(() => small.push(frame(Buffer.alloc(11)))).toThrow(/exceeds the maximum of 10 bytes/);
    const d = new FrameDecoder();
    d.push(Buffer.from([0x06]));
    expect(() => d.push(Buffer.from([0x40, 0x00, 0x01]))).toThrow(FrameSizeError);
    expect(new FrameDecoder().maxFrameSize).toBe(DEFAULT_MAX_FRAME_SIZE);
  });

  it("does not allocate the claimed size before the bytes arrive", () => {
    const d = new FrameDecoder();
    const head = Buffer.alloc(4);
    head.writeInt32BE(DEFAULT_MAX_FRAME_SIZE);
    d.push(head);
    d.push(Buffer.alloc(10));
    expect(d.bufferedBytes).toBe(14);
  });

  it("yields the same frames however the stream is chunked", () => {
    fc.assert(
      fc.property(
        fc.array(fc.uint8Array({ maxLength: 40 }), { maxLength: 8 }),
        fc.array(fc.nat(), { maxLength: 12 }),
        (payloads, cuts) => {
          const d = new FrameDecoder({ maxFrameSize: 64 });
          expectFramesBack(d, payloads, cuts);
        },
      ),
    );
  });

  it("copies a split frame into the allocated buffer once its head is known", () => {
    const calls: { size: number; head: string }[] = [];
    const slab = Buffer.alloc(64);
    const d = new FrameDecoder({
      allocate: (size, head) => {
        calls.push({ size, head: head.toString() });
        return slab;
      },
    });
    const bytes = Buffer.concat([frame(Buffer.from("0123456789abcdef")), frame(Buffer.from("z"))]);
    expect(d.push(bytes.subarray(0, 9))).toEqual([]);
    expect(calls).toEqual([]);
    expect(d.push(bytes.subarray(9, 14))).toEqual([]);
    expect(calls).toEqual([{ size: 16, head: "01234567" }]);
    expect(d.bufferedBytes).toBe(14);
    const frames = d.push(bytes.subarray(14));
    expect(frames.map(String)).toEqual(["0123456789abcdef", "z"]);
    expect(frames[0]!.buffer).toBe(slab.buffer);
    expect(frames[0]!.length).toBe(16);
    expect(d.bufferedBytes).toBe(0);

    // A frame cut off by a closing connection hands its buffer back.
    d.push(bytes.subarray(0, 14));
    expect(d.reset()?.buffer).toBe(slab.buffer);
    expect(d.bufferedBytes).toBe(0);
    expect(d.reset()).toBeUndefined();
  });

  it("yields the same frames with an allocator, whatever it returns", () => {
    fc.assert(
      fc.property(
        fc.array(fc.uint8Array({ maxLength: 40 }), { maxLength: 8 }),
        fc.array(fc.nat(), { maxLength: 12 }),
        fc.array(fc.oneof(fc.constant(undefined), fc.nat({ max: 8 })), { maxLength: 8 }),
        (payloads, cuts, extra) => {
          let calls = 0;
          const d = new FrameDecoder({
            maxFrameSize: 64,
            allocate: (size, head) => {
              expect(head.length).toBe(Math.min(size, HEAD_BYTES));
              const more = extra[calls++ % Math.max(1, extra.length)];
              return more === undefined ? undefined : Buffer.alloc(size + more, 0xee);
            },
          });
          expectFramesBack(d, payloads, cuts);
        },
      ),
    );
  });
});
