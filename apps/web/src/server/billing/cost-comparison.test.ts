import { describe, expect, it } from "vitest";
import { defaultSelfHostedAssumptions, selfHostedKafkaCost } from "./cost-comparison.ts";

describe("self-hosted Kafka cost", () => {
  it("prices a month of 10 TiB written, 20 TiB read, 5 TiB stored with the default assumptions", () => {
    const cost = selfHostedKafkaCost(
      { writtenGiB: "10240", readGiB: "20480", storedGiBMonths: "5120" },
      defaultSelfHostedAssumptions,
    );
    // Kafka bytes are compressed 4:1: 2560 GiB written, 5120 GiB read, 1280 GiB stored.
    expect(cost.lines).toEqual([
      { label: "Replication between zones", amount: "102.40" }, // 2560 × 2 × 0.02
      { label: "Producers to leaders in other zones", amount: "34.14" }, // 2560 × 0.6667 × 0.02 = 34.135…
      { label: "Consumers from leaders in other zones", amount: "68.27" },
      { label: "Broker instances", amount: "551.88" },
      { label: "Replicated disks", amount: "614.40" }, // 1280 × 3 ÷ 0.5 × 0.08
    ]);
    expect(cost.total).toBe("1371.09");
  });
});
