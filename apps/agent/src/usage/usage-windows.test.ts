import { describe, expect, it } from "vitest";
import type { UsageEvent } from "./usage-event.ts";
import { UsageRecorder } from "./usage-recorder.ts";
import { UsageWindows, type WindowClock } from "./usage-windows.ts";

/** A clock tests move by hand; timers fire when it passes them. */
function manualClock(startMs: number) {
  let now = startMs;
  let timers: { at: number; callback: () => void }[] = [];
  const clock: WindowClock & { advance(ms: number): void } = {
    now: () => now,
    setTimeout(callback, ms) {
      const timer = { at: now + ms, callback };
      timers.push(timer);
      return timer;
    },
    clearTimeout(timer) {
      timers = timers.filter((t) => t !== timer);
    },
    advance(ms) {
      const until = now + ms;
      for (;;) {
        const due = timers.filter((t) => t.at <= until).sort((a, b) => a.at - b.at)[0];
        if (!due) break;
        timers = timers.filter((t) => t !== due);
        now = due.at;
        due.callback();
      }
      now = until;
    },
  };
  return clock;
}

const minute = 60_000;
const t0 = Date.parse("2026-12-02T14:00:00Z");

describe("usage windows", () => {
  it("closes minute-aligned windows into one event per cluster and dimension", () => {
    const clock = manualClock(t0 + 20_000);
    const recorder = new UsageRecorder(true);
    const closed: { events: UsageEvent[]; start: number }[] = [];
    const windows = new UsageWindows({
      recorder,
      agentId: "agent-1",
      windowMs: minute,
      lastWindowStart: null,
      clock,
      onClose: (events, start) => closed.push({ events, start }),
    });
    windows.start();
    recorder.add("c1", "requests", 2);
    recorder.add("c1", "read_bytes", 100);
    recorder.add("c2", "requests", 1);
    recorder.add("", "requests", 1);
    clock.advance(40_000);
    recorder.add("c1", "requests", 5);
    clock.advance(minute);
    expect(closed.map((c) => c.start)).toEqual([t0, t0 + minute]);
    expect(closed[0]!.events).toEqual([
      {
        clusterId: "c1",
        dimension: "read_bytes",
        windowStart: "2026-12-02T14:00:00.000Z",
        windowSeconds: 60,
        quantity: "100",
        idempotencyKey: "c1:agent-1:read_bytes:2026-12-02T14:00:00.000Z",
      },
      expect.objectContaining({ clusterId: "c1", dimension: "requests", quantity: "2" }),
      expect.objectContaining({ clusterId: "c2", dimension: "requests", quantity: "1" }),
    ]);
    expect(closed[1]!.events).toEqual([
      expect.objectContaining({ clusterId: "c1", dimension: "requests", quantity: "5" }),
    ]);
  });

  it("never closes a window twice across a graceful restart within it", () => {
    const clock = manualClock(t0 + 10_000);
    const starts: number[] = [];
    const run = (lastWindowStart: number | null) =>
      new UsageWindows({
        recorder: new UsageRecorder(true),
        agentId: "a",
        windowMs: minute,
        lastWindowStart,
        clock,
        onClose: (_events, start) => starts.push(start),
      });
    const first = run(null);
    first.start();
    clock.advance(5_000);
    first.stop(); // closes 14:00 early
    const second = run(starts.at(-1)!);
    second.start();
    clock.advance(2 * minute);
    expect(starts).toEqual([t0, t0 + minute]);
  });
});
