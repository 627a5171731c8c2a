import { describe, expect, it } from "vitest";
import { Decimal } from "./money.ts";
import { priceBookAt, toBillingUnits } from "./price-book.ts";
import { rateLines, totalInvoice, type ClusterUsage } from "./rating.ts";

const book = priceBookAt(new Date("2026-12-01T00:00:00Z"));
const december = new Date("2026-12-01T00:00:00Z");
const TiB = 2n ** 40n;
const usage = (clusterId: string, dimension: ClusterUsage["dimension"], units: string) => ({
  clusterId,
  clusterName: clusterId,
  dimension,
  units: new Decimal(units),
});

describe("rating against the default price book (golden)", () => {
  it("60 TiB written in a month: 50 TiB at $0.01, 10 TiB at $0.008", () => {
    const units = toBillingUnits("write_bytes", 60n * TiB, 744);
    expect(units.toString()).toBe("61440");
    const lines = rateLines("usage", december, [usage("c1", "write_bytes", "61440")], book);
    expect(lines).toHaveLength(1);
    expect(lines[0]!.tiers.map((t) => [t.from, t.to, t.unitPrice, t.amount])).toEqual([
      ["0", "51200", "0.01", "512"],
      ["51200", "61440", "0.008", "81.92"],
    ]);
    expect(totalInvoice(lines, new Decimal(0))).toMatchObject({
      subtotal: "593.92",
      creditsApplied: "0.00",
      total: "593.92",
    });
  });

  it("the same month with $400 of credits", () => {
    const lines = rateLines("usage", december, [usage("c1", "write_bytes", "61440")], book);
    expect(totalInvoice(lines, new Decimal(400))).toMatchObject({
      subtotal: "593.92",
      creditsApplied: "400.00",
      total: "193.92",
    });
  });

  it("credits never exceed the subtotal", () => {
    const lines = rateLines("usage", december, [usage("c1", "write_bytes", "100")], book);
    expect(totalInvoice(lines, new Decimal(400))).toMatchObject({
      subtotal: "1.00",
      creditsApplied: "1.00",
      total: "0.00",
    });
  });

  it("clusters share the organization's tiers in cluster-id order", () => {
    const lines = rateLines(
      "usage",
      december,
      [usage("b", "write_bytes", "30720"), usage("a", "write_bytes", "30720")],
      book,
    );
    expect(lines.map((l) => [l.clusterId, l.amount])).toEqual([
      ["a", "307.20"],
      ["b", "286.72"], // 20 TiB at 0.01 + 10 TiB at 0.008
    ]);
  });

  it("rounds half-even at the line total only", () => {
    // 0.5 cluster-minute-cents: 1 minute = $0.0025 → 0.00 (half-even), 3 minutes = $0.0075 → 0.01
    const one = rateLines("usage", december, [usage("c", "cluster_minutes", "1")], book);
    const three = rateLines("usage", december, [usage("c", "cluster_minutes", "3")], book);
    const six = rateLines("usage", december, [usage("c", "cluster_minutes", "6")], book);
    expect([one[0]!.amount, three[0]!.amount, six[0]!.amount]).toEqual(["0.00", "0.01", "0.02"]);
    // Many small lines are not rounded before summing: 1 byte at a time would otherwise vanish.
    const bytes = toBillingUnits("write_bytes", 1n, 744);
    const tiny = rateLines("usage", december, [usage("c", "write_bytes", bytes.toString())], book);
    expect(tiny[0]!.tiers[0]!.amount).toBe(bytes.times("0.01").toString());
    // Exact amounts are plain decimals (the API's contract), never exponent notation.
    expect(tiny[0]!.quantity).toBe("0.000000000931322574615478515625");
    expect(tiny[0]!.tiers[0]!.amount).toBe("0.00000000000931322574615478515625");
  });

  it("prorates storage over the hours of the month and subtracts the free allowance", () => {
    // 1 TiB kept for 15 days of a 30-day month (720 h) = 512 GiB-month; 10 free, 502 at $0.01.
    const units = toBillingUnits("storage_byte_hours", TiB * 360n, 720);
    expect(units.toString()).toBe("512");
    const lines = rateLines("usage", december, [usage("c", "storage_byte_hours", "512")], book);
    expect(lines[0]!.tiers.map((t) => [t.unitPrice, t.amount])).toEqual([
      ["0", "0"],
      ["0.01", "5.02"],
    ]);
    expect(lines[0]!.amount).toBe("5.02");
  });

  it("rates late usage from where the finalized month stopped (adjustment)", () => {
    const lines = rateLines(
      "adjustment",
      december,
      [usage("c1", "write_bytes", "2048")],
      book,
      { write_bytes: new Decimal(50_176) }, // 49 TiB billed already
    );
    expect(lines[0]!.tiers.map((t) => t.amount)).toEqual(["10.24", "8.192"]);
    expect(lines[0]!.amount).toBe("18.43"); // 18.432 → 18.43
  });

  it("cluster-minutes in 15-minute increments: a full 31-day month", () => {
    const lines = rateLines("usage", december, [usage("c", "cluster_minutes", "44640")], book);
    expect(lines[0]!.amount).toBe("111.60");
  });
});
