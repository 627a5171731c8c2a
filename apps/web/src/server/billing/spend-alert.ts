import type { PrismaClient } from "@streambed/db";
import { recordAudit } from "../audit/record-audit.ts";
import { Decimal } from "./money.ts";

/**
 * Records an audit entry the first time in a period that the estimate (before credits) reaches the
 * owner's threshold. Returns whether the estimate is at or above it, for the in-console notice.
 */
export async function checkSpendAlert(
  prisma: PrismaClient,
  organizationId: string,
  periodStart: Date,
  estimate: string,
): Promise<boolean> {
  const account = await prisma.billingAccount.findUnique({ where: { organizationId } });
  const threshold = account?.spendAlertThreshold;
  if (!threshold || new Decimal(estimate).lt(threshold.toString())) return false;
  await prisma.$transaction(async (tx) => {
    const claimed = await tx.billingAccount.updateMany({
      where: {
        organizationId,
        OR: [{ spendAlertPeriod: null }, { spendAlertPeriod: { not: periodStart } }],
      },
      data: { spendAlertPeriod: periodStart },
    });
    if (claimed.count === 1) {
      await recordAudit(tx, {
        organizationId,
        actorUserId: null,
        action: "billing.spend_alert",
        targetType: "organization",
        targetId: organizationId,
        metadata: {
          threshold: threshold.toString(),
          estimate,
          periodStart: periodStart.toISOString(),
        },
      });
    }
  });
  return true;
}
