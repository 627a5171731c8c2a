import type { Prisma } from "@streambed/db";
import { Decimal } from "./money.ts";
import { priceBookAt } from "./price-book.ts";

/**
 * Creates the organization's billing account on first use, granting the starting credits of the
 * price book in effect then (once: the grant is written in the same transaction as the account).
 */
export async function ensureBillingAccount(
  db: Prisma.TransactionClient,
  organizationId: string,
  wallNow: Date,
): Promise<void> {
  if (
    await db.billingAccount.findUnique({
      where: { organizationId },
      select: { organizationId: true },
    })
  )
    return;
  const created = await db.billingAccount.createMany({
    data: [{ organizationId }],
    skipDuplicates: true,
  });
  if (created.count === 0) return;
  await grantCredits(db, organizationId, priceBookAt(wallNow).startingCredits, "starting_credit");
}

/** Adds promotional credit (USD) to the organization's ledger; later invoices draw it down. */
export async function grantCredits(
  db: Prisma.TransactionClient,
  organizationId: string,
  amount: string,
  reason: string,
): Promise<void> {
  if (new Decimal(amount).lte(0)) throw new Error(`a credit grant must be positive, got ${amount}`);
  await db.creditEntry.create({ data: { organizationId, amount, reason } });
}

/** Credits granted minus credits applied to finalized invoices. */
export async function creditBalance(
  db: Prisma.TransactionClient,
  organizationId: string,
): Promise<Decimal> {
  const { _sum } = await db.creditEntry.aggregate({
    where: { organizationId },
    _sum: { amount: true },
  });
  return new Decimal(_sum.amount?.toString() ?? "0");
}
