import { describe, expect, it } from "vitest";
import { chartScale, formatExactUsage, formatUsage } from "./usage-units.ts";

describe("usage units", () => {
  it("formats each dimension in its human unit", () => {
    expect(formatUsage("write_bytes", 5n * 1024n ** 3n)).toBe("5.0 GiB");
    expect(formatUsage("read_bytes", 1536n * 1024n)).toBe("1.5 MiB");
    expect(formatUsage("storage_byte_hours", 3n * 1024n ** 3n)).toBe("3.0 GiB-hours");
    expect(formatUsage("cluster_minutes", 1500n)).toBe("1,500 min");
    expect(formatUsage("requests", 42n)).toBe("42");
  });

  it("keeps exact figures exact beyond 2^53", () => {
    expect(formatExactUsage("write_bytes", 2n ** 62n + 1n)).toBe("4,611,686,018,427,387,905 bytes");
    expect(formatExactUsage("storage_byte_hours", 10n)).toBe("10 byte-hours");
  });

  it("scales chart axes to the largest value", () => {
    expect(chartScale("write_bytes", 500)).toEqual({ divisor: 1, unit: "B" });
    expect(chartScale("write_bytes", 3 * 1024 ** 2)).toEqual({ divisor: 1024 ** 2, unit: "MiB" });
    expect(chartScale("storage_byte_hours", 2 * 1024 ** 3)).toEqual({
      divisor: 1024 ** 3,
      unit: "GiB-hours",
    });
    expect(chartScale("cluster_minutes", 10_000)).toEqual({ divisor: 1, unit: "min" });
  });
});
