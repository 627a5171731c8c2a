import { describe, expect, it } from "vitest";
import { FailureLimiter } from "./failure-limiter.ts";

describe("FailureLimiter", () => {
  it("blocks an address after maxFailures within the window and releases it as failures age out", () => {
    let now = 0;
    const limiter = new FailureLimiter({ maxFailures: 3, windowMs: 1000, now: () => now });
    for (let i = 0; i < 3; i++) {
      expect(limiter.isBlocked("10.0.0.1")).toBe(false);
      limiter.recordFailure("10.0.0.1");
      now += 100;
    }
    expect(limiter.isBlocked("10.0.0.1")).toBe(true);
    expect(limiter.isBlocked("10.0.0.2")).toBe(false);
    now = 1001;
    expect(limiter.isBlocked("10.0.0.1")).toBe(false);
  });
});
