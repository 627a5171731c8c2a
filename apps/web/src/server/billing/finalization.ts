import type { Invoice, PrismaClient } from "@streambed/db";
import { shiftedBy } from "./clock.ts";
import { finalizeInvoice } from "./invoices.ts";
import { closedMonths } from "./periods.ts";

/**
 * The finalization job: every organization's months that ended more than the grace hour ago (in
 * its billing time) and have no invoice yet are finalized, oldest first per organization, a few
 * organizations at a time. Re-running it finalizes nothing twice.
 */
export async function finalizeDueInvoices(
  prisma: PrismaClient,
  wallNow: Date,
  { concurrency = 8, organizationIds }: { concurrency?: number; organizationIds?: string[] } = {},
): Promise<Invoice[]> {
  const organizations = await prisma.organization.findMany({
    where: organizationIds ? { id: { in: organizationIds } } : {},
    select: {
      id: true,
      createdAt: true,
      billingAccount: { select: { clockOffsetMs: true } },
      invoices: { select: { periodStart: true } },
    },
  });
  const queue = organizations.flatMap((org) => {
    const now = shiftedBy(wallNow, org.billingAccount?.clockOffsetMs ?? 0n);
    const done = new Set(org.invoices.map((i) => i.periodStart.getTime()));
    const months = closedMonths(org.createdAt, now).filter((m) => !done.has(m.getTime()));
    return months.length ? [{ id: org.id, months, now }] : [];
  });
  const finalized: Invoice[] = [];
  const worker = async () => {
    for (let org = queue.shift(); org; org = queue.shift()) {
      for (const month of org.months) {
        finalized.push(await finalizeInvoice(prisma, org.id, month, org.now));
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return finalized;
}
