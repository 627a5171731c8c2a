/** Billing periods are calendar months in UTC. */

export function monthStart(at: Date): Date {
  return new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), 1));
}

export function nextMonth(start: Date): Date {
  return new Date(Date.UTC(start.getUTCFullYear(), start.getUTCMonth() + 1, 1));
}

export function hoursBetween(from: Date, to: Date): number {
  return (to.getTime() - from.getTime()) / 3_600_000;
}

/** Late usage gets this long after the period before the invoice is finalized. */
export const FINALIZATION_GRACE_MS = 3_600_000;

/** Months [first, ...] whose end plus the grace hour has passed by `now`. */
export function closedMonths(first: Date, now: Date): Date[] {
  const months: Date[] = [];
  for (
    let m = monthStart(first);
    nextMonth(m).getTime() + FINALIZATION_GRACE_MS <= now.getTime();
  ) {
    months.push(m);
    m = nextMonth(m);
  }
  return months;
}
