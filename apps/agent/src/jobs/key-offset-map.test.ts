import { describe, expect, it } from "vitest";
import { KeyOffsetMap, SLOT_BYTES } from "./key-offset-map.ts";

describe("KeyOffsetMap", () => {
  it("keeps the newest offset of each key in a fixed number of slots", () => {
    const map = new KeyOffsetMap(1000 * SLOT_BYTES, 100n);
    expect(map.capacity).toBe(750);
    for (let i = 0; i < 700; i++) map.put(Buffer.from(`key-${i % 500}`), i);
    expect(map.size).toBe(500);
    expect(map.get(Buffer.from("key-0"))).toBe(500);
    expect(map.get(Buffer.from("key-499"))).toBe(499);
    expect(map.get(Buffer.from("key-500"))).toBeUndefined();
    for (let i = 500; i < 750; i++) map.put(Buffer.from(`key-${i}`), i);
    expect(() => map.put(Buffer.from("one too many"), 750)).toThrow(/full/);
    // A key already there still takes its newer offset when the map is full.
    map.put(Buffer.from("key-1"), 751);
    expect(map.get(Buffer.from("key-1"))).toBe(751);
  });
});
