/**
 * Kafka's windowed rate (org.apache.kafka.common.metrics.stats.Rate over a SampledStat), which
 * its quotas are measured with: `samples` windows of `windowMs`; a value lands in the current
 * window, a new window starts once the current one is `windowMs` old, windows older than
 * samples × windowMs no longer count. The rate is the sum of the counted windows over the time
 * they cover, never less than (samples - 1) windows, so a fresh client cannot burst a full
 * quota in its first millisecond.
 */
export interface RateWindowConfig {
  /** Kafka's quota.window.size.seconds, in ms (default 1000). */
  windowMs: number;
  /** Kafka's quota.window.num (default 11). */
  samples: number;
}

interface Sample {
  start: number;
  value: number;
}

export class WindowedRate {
  private readonly samples: Sample[];
  private current = 0;

  constructor(
    private readonly config: RateWindowConfig,
    now: number,
  ) {
    this.samples = [{ start: now, value: 0 }];
  }

  record(value: number, now: number): void {
    let sample = this.samples[this.current]!;
    if (now - sample.start >= this.config.windowMs) {
      this.current = (this.current + 1) % this.config.samples;
      sample = { start: now, value: 0 };
      this.samples[this.current] = sample;
    }
    sample.value += value;
  }

  /** Per second. */
  measure(now: number): number {
    return (this.total(now) * 1000) / this.windowSizeMs(now);
  }

  /**
   * How long the client must stay quiet for the rate to come back to `bound` (Kafka's
   * QuotaUtils.throttleTime), at most one full window set; 0 when within the bound.
   */
  throttleMs(bound: number, now: number): number {
    const rate = this.measure(now);
    if (rate <= bound) return 0;
    const ms = Math.round(((rate - bound) / bound) * this.windowSizeMs(now));
    return Math.min(ms, this.config.samples * this.config.windowMs);
  }

  private total(now: number): number {
    this.purgeObsolete(now);
    let sum = 0;
    for (const s of this.samples) sum += s.value;
    return sum;
  }

  private purgeObsolete(now: number): void {
    const expireAge = this.config.samples * this.config.windowMs;
    for (const s of this.samples)
      if (now - s.start >= expireAge) {
        s.start = now;
        s.value = 0;
      }
  }

  private windowSizeMs(now: number): number {
    let oldest = now;
    for (const s of this.samples) if (s.start < oldest) oldest = s.start;
    const elapsed = now - oldest;
    // As Kafka: the covered time, padded with the whole windows missing to reach samples - 1.
    const fullWindows = Math.floor(elapsed / this.config.windowMs);
    const missing = Math.max(0, this.config.samples - 1 - fullWindows);
    return elapsed + missing * this.config.windowMs;
  }
}
