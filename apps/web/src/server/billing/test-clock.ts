import type { PrismaClient } from "@streambed/db";
import { recordAudit } from "../audit/record-audit.ts";
import { ensureBillingAccount } from "./account.ts";
import { advanceBillingClock } from "./clock.ts";
import { runBillingCycle } from "./jobs.ts";
import { isBillingTestMode, stripe } from "./stripe/client.ts";

export class BillingNotInTestMode extends Error {
  constructor() {
    super("The billing clock can only be moved in test mode");
  }
}

/** Who moved the clock, for the audit log: a console user or an API key. */
export interface ClockActor {
  userId: string | null;
  apiKeyId?: string;
  ip?: string | null;
}

/**
 * Test mode's test clock: moves the organization's billing time forward to `advanceTo` (never
 * back: ClockMovesForwardOnly), audits it, then runs the billing cycle for the organization at
 * once so that period close, finalization, payment and dunning happen as they would have.
 */
export async function advanceTestClock(
  prisma: PrismaClient,
  organizationId: string,
  advanceTo: Date,
  actor: ClockActor,
): Promise<{ billingNow: string }> {
  if (!isBillingTestMode()) throw new BillingNotInTestMode();
  const wallNow = new Date();
  await prisma.$transaction((tx) => ensureBillingAccount(tx, organizationId, wallNow));
  const now = await advanceBillingClock(prisma, organizationId, advanceTo, wallNow);
  await recordAudit(prisma, {
    organizationId,
    actorUserId: actor.userId,
    action: "billing.clock_advanced",
    targetType: "organization",
    targetId: organizationId,
    metadata: {
      advanceTo: advanceTo.toISOString(),
      ...(actor.apiKeyId && { apiKeyId: actor.apiKeyId }),
    },
    ip: actor.ip ?? null,
  });
  await runBillingCycle({ prisma, stripe: stripe() }, wallNow, [organizationId]);
  return { billingNow: now.toISOString() };
}
