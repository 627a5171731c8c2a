import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { decodeHeadChanges, encodeHeadChanges } from "./head-notifications.ts";

describe("head change payloads", () => {
  it("split into NOTIFY-sized payloads that decode back to every change", () => {
    const topicId = randomUUID();
    const heads = Array.from({ length: 1500 }, (_, p) => ({
      topicId,
      partition: p,
      highWatermark: 9_000_000_000_000n + BigInt(p),
      logStartOffset: BigInt(p),
      leaderEpoch: 0,
    }));
    const payloads = encodeHeadChanges("cluster-1", heads);
    expect(payloads.length).toBeGreaterThan(1);
    for (const p of payloads) expect(Buffer.byteLength(p)).toBeLessThan(8000);
    const decoded = payloads.flatMap(decodeHeadChanges);
    expect(decoded).toEqual(
      heads.map(({ leaderEpoch: _, ...h }) => ({ clusterId: "cluster-1", ...h })),
    );
    expect(encodeHeadChanges("cluster-1", [])).toEqual([]);
  });
});
