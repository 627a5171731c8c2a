import type { Prisma } from "@streambed/db";

/**
 * Billing time per organization: wall time plus a stored offset. In test mode the offset can be
 * advanced (like a Stripe test clock) so period close, finalization and dunning run without
 * waiting a month. Everything in billing that asks "what time is it" asks this.
 */

export async function billingNow(
  db: Prisma.TransactionClient,
  organizationId: string,
  wallNow: Date,
): Promise<Date> {
  const account = await db.billingAccount.findUnique({
    where: { organizationId },
    select: { clockOffsetMs: true },
  });
  return shiftedBy(wallNow, account?.clockOffsetMs ?? 0n);
}

export function shiftedBy(wallNow: Date, offsetMs: bigint): Date {
  return new Date(wallNow.getTime() + Number(offsetMs));
}

export class ClockMovesForwardOnly extends Error {
  constructor(readonly current: Date) {
    super(`the billing clock is already at ${current.toISOString()}; it only moves forward`);
  }
}

/** Moves the organization's billing clock to `to`; never back. Returns the new billing time. */
export async function advanceBillingClock(
  db: Prisma.TransactionClient,
  organizationId: string,
  to: Date,
  wallNow: Date,
): Promise<Date> {
  const current = await billingNow(db, organizationId, wallNow);
  if (to.getTime() < current.getTime()) throw new ClockMovesForwardOnly(current);
  const offset = BigInt(to.getTime() - wallNow.getTime());
  await db.billingAccount.update({ where: { organizationId }, data: { clockOffsetMs: offset } });
  return to;
}
