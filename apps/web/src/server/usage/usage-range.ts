import { z } from "zod";

/**
 * Time windows of usage queries, all in UTC. Pure (no server imports): the console builds its
 * chart axes with the same functions the server queries with.
 */
export const usageGranularities = ["hour", "day"] as const;
export type UsageGranularity = (typeof usageGranularities)[number];
export const usageGranularitySchema = z.enum(usageGranularities);

/** The console's range picker: the last 24 h, 7 or 30 days, or the billing period (calendar month). */
export const usageRanges = ["24h", "7d", "30d", "month"] as const;
export type UsageRange = (typeof usageRanges)[number];
export const usageRangeSchema = z.enum(usageRanges);

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
export const granularityMs: Record<UsageGranularity, number> = { hour: HOUR, day: DAY };

export interface UsageWindow {
  /** Inclusive. */
  from: Date;
  /** Exclusive. */
  to: Date;
}

/** The start of the hour or UTC day that holds `date`. */
export function bucketStart(date: Date, granularity: UsageGranularity): Date {
  const step = granularityMs[granularity];
  return new Date(Math.floor(date.getTime() / step) * step);
}

/** The first instant of the UTC calendar month holding `date`: the start of its billing period. */
export function billingPeriodStart(date: Date): Date {
  return new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), 1));
}

/** The window of a named range at `now`; it always ends after the current (partial) hour or day. */
export function rangeWindow(range: UsageRange, now: Date): UsageWindow {
  if (range === "month") {
    const from = billingPeriodStart(now);
    return { from, to: new Date(Date.UTC(from.getUTCFullYear(), from.getUTCMonth() + 1, 1)) };
  }
  const unit: UsageGranularity = range === "24h" ? "hour" : "day";
  const to = new Date(bucketStart(now, unit).getTime() + granularityMs[unit]);
  const span = range === "24h" ? DAY : (range === "7d" ? 7 : 30) * DAY;
  return { from: new Date(to.getTime() - span), to };
}

/** The start of every bucket overlapping [from, to), oldest first. */
export function bucketStarts(window: UsageWindow, granularity: UsageGranularity): Date[] {
  const step = granularityMs[granularity];
  const starts: Date[] = [];
  for (let t = bucketStart(window.from, granularity).getTime(); t < window.to.getTime(); t += step)
    starts.push(new Date(t));
  return starts;
}
