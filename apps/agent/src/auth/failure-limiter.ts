export interface FailureLimiterOptions {
  /** Failed attempts allowed per source address within `windowMs`. Default 10. */
  maxFailures?: number;
  /** Default 60 s. */
  windowMs?: number;
  now?: () => number;
}

/**
 * Limits failed SASL attempts per source address (a sliding window of failure times), so a
 * password cannot be guessed at connection speed. A blocked address is refused without a check.
 */
export class FailureLimiter {
  private readonly maxFailures: number;
  private readonly windowMs: number;
  private readonly now: () => number;
  private readonly failures = new Map<string, number[]>();

  constructor(options: FailureLimiterOptions = {}) {
    this.maxFailures = options.maxFailures ?? 10;
    this.windowMs = options.windowMs ?? 60_000;
    this.now = options.now ?? Date.now;
  }

  isBlocked(address: string): boolean {
    return this.recent(address).length >= this.maxFailures;
  }

  recordFailure(address: string): void {
    const times = this.recent(address);
    times.push(this.now());
    this.failures.set(address, times);
    if (this.failures.size > 100_000) this.prune();
  }

  private recent(address: string): number[] {
    const since = this.now() - this.windowMs;
    const times = (this.failures.get(address) ?? []).filter((t) => t > since);
    if (times.length === 0) this.failures.delete(address);
    return times;
  }

  private prune(): void {
    for (const address of [...this.failures.keys()]) this.recent(address);
  }
}
