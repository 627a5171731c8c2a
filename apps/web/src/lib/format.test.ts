import { describe, expect, it } from "vitest";
import { formatAgo, formatBytes, formatRetention } from "./format.ts";

describe("format", () => {
  it("formats bytes in binary units", () => {
    expect(formatBytes(0n)).toBe("0 B");
    expect(formatBytes(1536)).toBe("1.5 KiB");
    expect(formatBytes(5n * 1024n ** 3n)).toBe("5.0 GiB");
  });
  it("formats retention like Kafka users read it", () => {
    expect(formatRetention(604_800_000n)).toBe("7 days");
    expect(formatRetention(86_400_000)).toBe("1 day");
    expect(formatRetention(-1n)).toBe("Forever");
    expect(formatRetention(3_600_000)).toBe("1 h");
    expect(formatRetention(300_000)).toBe("5 min");
  });
  it("formats heartbeat ages", () => {
    expect(formatAgo(new Date(1_000_000), 1_002_000)).toBe("just now");
    expect(formatAgo(new Date(1_000_000), 1_030_000)).toBe("30 s ago");
    expect(formatAgo(null)).toBe("never");
  });
});
