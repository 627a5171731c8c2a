/** A pending callback of a Clock; cancel() is a no-op once it has run. */
export interface Timer {
  cancel(): void;
}

/**
 * Time as the data plane's core sees it. Production passes `systemClock`; the deterministic
 * simulation (src/sim/) passes a simulated clock, so that timeouts fire in an order a seed decides.
 */
export interface Clock {
  /** Monotonic milliseconds (performance.now()): durations and deadlines. */
  now(): number;
  /** Milliseconds since the epoch (Date.now()): what gets recorded, e.g. in object keys. */
  wallNow(): number;
  /** Runs `callback` once, `ms` from now. */
  schedule(ms: number, callback: () => void): Timer;
}

export const systemClock: Clock = {
  now: () => performance.now(),
  wallNow: () => Date.now(),
  schedule(ms, callback) {
    const timer = setTimeout(callback, ms);
    return { cancel: () => clearTimeout(timer) };
  },
};
