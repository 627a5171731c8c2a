import { usageEvent, type UsageEvent } from "./usage-event.ts";
import type { UsageRecorder } from "./usage-recorder.ts";

/** Time and timers, injectable so tests can drive windows. */
export interface WindowClock {
  now(): number;
  /** The returned handle is passed back to clearTimeout; unref'd when it has unref (Node timers). */
  setTimeout(callback: () => void, ms: number): object;
  clearTimeout(timer: unknown): void;
}

export const systemClock: WindowClock = {
  now: () => Date.now(),
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (timer) => clearTimeout(timer as NodeJS.Timeout),
};

export interface UsageWindowsOptions {
  recorder: UsageRecorder;
  agentId: string;
  /** Divides an hour, so aligned windows never cross one. */
  windowMs: number;
  /** Start of the last window closed before a restart: it must not be closed twice. */
  lastWindowStart: number | null;
  clock?: WindowClock;
  /** Receives each closed window's events (possibly none) and its start. */
  onClose: (events: UsageEvent[], windowStart: number) => void;
}

/**
 * Closes usage windows aligned to the window length (60 s windows start on the minute): at each
 * boundary, the recorder's counts become one event per cluster and dimension. A window already
 * closed before a restart (a graceful stop closes the open one early) is not closed again: its
 * remaining counts go to the next window, whose key is then still unused.
 */
export class UsageWindows {
  private readonly clock: WindowClock;
  private nextCloseAt: number;
  private timer: unknown;
  private stopped = false;

  constructor(private readonly options: UsageWindowsOptions) {
    this.clock = options.clock ?? systemClock;
    const { windowMs, lastWindowStart } = options;
    const openStart = Math.floor(this.clock.now() / windowMs) * windowMs;
    this.nextCloseAt =
      lastWindowStart !== null && openStart <= lastWindowStart
        ? lastWindowStart + 2 * windowMs
        : openStart + windowMs;
  }

  start(): void {
    this.schedule();
  }

  /** Closes the open window now (graceful stop) and stops. */
  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    this.clock.clearTimeout(this.timer);
    this.close();
  }

  private schedule(): void {
    if (this.stopped) return;
    const timer = this.clock.setTimeout(
      () => {
        this.close();
        this.schedule();
      },
      Math.max(0, this.nextCloseAt - this.clock.now()),
    );
    (timer as { unref?: () => unknown }).unref?.();
    this.timer = timer;
  }

  private close(): void {
    const { windowMs, agentId, recorder } = this.options;
    const windowStart = this.nextCloseAt - windowMs;
    const events = recorder
      .takeCounts()
      .map((c) => usageEvent(agentId, c.clusterId, c.dimension, windowStart, windowMs, c.quantity));
    // After a stall (a paused VM) the missed windows had no chance to count anything.
    const openStart = Math.floor(this.clock.now() / windowMs) * windowMs;
    this.nextCloseAt = Math.max(this.nextCloseAt, openStart) + windowMs;
    this.options.onClose(events, windowStart);
  }
}
