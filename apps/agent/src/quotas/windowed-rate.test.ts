import { describe, expect, it } from "vitest";
import { WindowedRate } from "./windowed-rate.ts";

const config = { windowMs: 1000, samples: 11 };

describe("Kafka's windowed rate", () => {
  it("measures a fresh rate over at least samples - 1 windows", () => {
    const rate = new WindowedRate(config, 0);
    rate.record(10_000, 0);
    // 10,000 over the 10 s floor, not over the 0 ms elapsed.
    expect(rate.measure(0)).toBe(1000);
    // 2.5 s elapsed: two full windows, padded with eight more (as Kafka's Rate.windowSize).
    expect(rate.measure(2500)).toBeCloseTo(10_000 / 10.5, 6);
  });

  it("measures a steady rate over the windows it covers, dropping the obsolete ones", () => {
    const rate = new WindowedRate(config, 0);
    for (let t = 0; t < 30_000; t += 100) rate.record(100, t);
    // 1,000 per second all along; samples older than 11 s no longer count.
    expect(rate.measure(29_999)).toBeGreaterThan(950);
    expect(rate.measure(29_999)).toBeLessThan(1050);
    expect(rate.measure(29_999 + 11_000)).toBe(0);
  });

  it("throttles for the time that brings the rate back to the bound", () => {
    const rate = new WindowedRate(config, 0);
    rate.record(20_000, 0);
    // 2,000/s against 1,000/s: (2000 - 1000) / 1000 × 10 s window.
    expect(rate.throttleMs(1000, 0)).toBe(10_000);
    expect(rate.throttleMs(2000, 0)).toBe(0);
    // Once its window is obsolete (11 s) the burst no longer counts.
    expect(rate.throttleMs(1000, 11_000)).toBe(0);
  });

  it("never throttles for longer than the whole window set", () => {
    const rate = new WindowedRate(config, 0);
    rate.record(1_000_000, 0);
    expect(rate.throttleMs(1000, 0)).toBe(11_000);
  });

  it("keeps a bounded producer at its bound when it waits as told", () => {
    const rate = new WindowedRate({ windowMs: 200, samples: 11 }, 0);
    const bound = 1024 * 1024;
    let t = 0;
    let sent = 0;
    let sentByWarm = 0;
    // A producer sending 64 KiB whenever it is not throttled, for 60 s after a 5 s warm-up.
    while (t < 65_000) {
      rate.record(64 * 1024, t);
      sent += 64 * 1024;
      if (t < 5000) sentByWarm = sent;
      t += Math.max(1, rate.throttleMs(bound, t));
    }
    const achieved = (sent - sentByWarm) / ((t - 5000) / 1000);
    expect(achieved / bound).toBeGreaterThan(0.97);
    expect(achieved / bound).toBeLessThan(1.03);
  });
});
