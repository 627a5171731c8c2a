import { describe, expect, it } from "vitest";
import { FramePool, sizeClass } from "./frame-pool.ts";

const KiB = 1024;
const pool = () =>
  new FramePool({
    maxRetainedBytes: 4 * 1024 * KiB,
    minFrameBytes: 64 * KiB,
    maxFrameBytes: 2048 * KiB,
  });

describe("FramePool", () => {
  it("rounds sizes up to quarter steps between powers of two", () => {
    expect(sizeClass(1024 * KiB)).toBe(1024 * KiB);
    expect(sizeClass(1024 * KiB + 1)).toBe(1280 * KiB);
    expect(sizeClass(1000 * KiB)).toBe(1024 * KiB);
    expect(sizeClass(700 * KiB)).toBe(768 * KiB);
    expect(sizeClass(1)).toBe(1);
  });

  it("lends only sizes inside its bounds", () => {
    const p = pool();
    expect(p.take(64 * KiB - 1)).toBeUndefined();
    expect(p.take(2048 * KiB + 1)).toBeUndefined();
    expect(p.take(64 * KiB)?.length).toBe(64 * KiB);
  });

  it("reuses a released slab for the next frame of its size class", () => {
    const p = pool();
    const first = p.take(1000 * KiB)!;
    expect(p.lentOutBytes).toBe(1024 * KiB);
    p.release(first);
    expect(p.lentOutBytes).toBe(0);
    expect(p.retainedBytes).toBe(1024 * KiB);
    const second = p.take(1010 * KiB)!;
    expect(second.buffer).toBe(first.buffer);
    expect(second.length).toBe(1010 * KiB);
    expect(p.retainedBytes).toBe(0);
    expect(p.take(1010 * KiB)!.buffer).not.toBe(first.buffer);
  });

  it("ignores buffers it did not lend and a second release of the same frame", () => {
    const p = pool();
    p.release(Buffer.allocUnsafeSlow(1024 * KiB));
    expect(p.retainedBytes).toBe(0);
    const frame = p.take(1024 * KiB)!;
    p.release(frame);
    p.release(frame);
    expect(p.retainedBytes).toBe(1024 * KiB);
  });

  it("keeps no more than maxRetainedBytes", () => {
    const p = pool();
    const frames = Array.from({ length: 6 }, () => p.take(1024 * KiB)!);
    for (const f of frames) p.release(f);
    expect(p.retainedBytes).toBe(4 * 1024 * KiB);
  });
});
