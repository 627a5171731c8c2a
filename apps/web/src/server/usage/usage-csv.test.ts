import { describe, expect, it } from "vitest";
import { usageCsv } from "./usage-csv.ts";

describe("usageCsv", () => {
  it("writes exact quantities and quotes names that need it", () => {
    const csv = usageCsv(
      [
        {
          clusterId: "c1",
          dimension: "storage_byte_hours",
          windowStart: new Date("2026-11-05T03:00:00Z"),
          quantity: 2n ** 62n + 1n,
        },
        {
          clusterId: "c2",
          dimension: "write_bytes",
          windowStart: new Date("2026-11-05T04:00:00Z"),
          quantity: 5n,
        },
      ],
      new Map([
        ["c1", 'orders, "eu"'],
        ["c2", "payments"],
      ]),
    );
    expect(csv).toBe(
      "window_start,cluster_id,cluster_name,dimension,quantity,unit\r\n" +
        '2026-11-05T03:00:00.000Z,c1,"orders, ""eu""",storage_byte_hours,4611686018427387905,byte_hours\r\n' +
        "2026-11-05T04:00:00.000Z,c2,payments,write_bytes,5,bytes\r\n",
    );
  });
});
