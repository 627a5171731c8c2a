import { describe, expect, it } from "vitest";
import { FailureLimiter, type AttemptSource } from "./failure-limiter.ts";

const from = (address: string, username: string, knownUser = true): AttemptSource => ({
  address,
  username,
  knownUser,
});

describe("FailureLimiter", () => {
  it("delays only the (address, username) that failed, one attempt per delay, and forgets old failures", async () => {
    let now = 0;
    const slept: number[] = [];
    const outcomes: string[] = [];
    const limiter = new FailureLimiter({
      maxFailures: 3,
      windowMs: 1000,
      delayMs: 50,
      now: () => now,
      sleep: async (ms) => void slept.push(ms),
      onThrottled: (o) => void outcomes.push(o),
    });
    for (let i = 0; i < 3; i++) {
      expect(await limiter.admit(from("10.0.0.1", "alice"))).toBe(true);
      limiter.recordFailure(from("10.0.0.1", "alice"));
    }
    expect(slept).toEqual([]);
    // Another user behind the same address, and the same user elsewhere, go straight through.
    await limiter.admit(from("10.0.0.1", "bob"));
    await limiter.admit(from("10.0.0.2", "alice"));
    expect(slept).toEqual([]);
    // alice from 10.0.0.1 waits (and is then checked) instead of being refused.
    expect(
      await Promise.all([
        limiter.admit(from("10.0.0.1", "alice")),
        limiter.admit(from("10.0.0.1", "alice")),
      ]),
    ).toEqual([true, true]);
    expect(slept).toEqual([50, 50]);
    expect(outcomes).toEqual(["delayed", "delayed"]);
    now = 1001;
    await limiter.admit(from("10.0.0.1", "alice"));
    expect(slept).toHaveLength(2);
  });

  it("gives unknown usernames a shared, higher per-address ceiling and refuses past the queue", async () => {
    const waits: (() => void)[] = [];
    const outcomes: string[] = [];
    const limiter = new FailureLimiter({
      maxFailures: 1,
      maxUnknownUserFailures: 5,
      maxWaiting: 1,
      sleep: () => new Promise<void>((resolve) => waits.push(resolve)),
      onThrottled: (o) => void outcomes.push(o),
    });
    for (let i = 0; i < 5; i++) {
      expect(await limiter.admit(from("10.0.0.9", `nobody-${i}`, false))).toBe(true);
      limiter.recordFailure(from("10.0.0.9", `nobody-${i}`, false));
    }
    const waiting = limiter.admit(from("10.0.0.9", "nobody-x", false));
    expect(await limiter.admit(from("10.0.0.9", "nobody-y", false))).toBe(false);
    expect(outcomes).toEqual(["delayed", "refused"]);
    // A real user of that address is not held up by the unknown names.
    expect(await limiter.admit(from("10.0.0.9", "alice"))).toBe(true);
    await Promise.resolve();
    waits.shift()!();
    expect(await waiting).toBe(true);
  });
});
