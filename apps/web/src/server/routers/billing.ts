import { TRPCError } from "@trpc/server";
import { z } from "zod";
import { recordAudit } from "../audit/record-audit.ts";
import { creditBalance } from "../billing/account.ts";
import { ClockMovesForwardOnly } from "../billing/clock.ts";
import { advanceTestClock, BillingNotInTestMode } from "../billing/test-clock.ts";
import { organizationPastDue } from "../billing/dunning.ts";
import { getInvoice, listInvoices, upcomingInvoice } from "../billing/invoices.ts";
import { Decimal, moneyString, sum } from "../billing/money.ts";
import { monthStart } from "../billing/periods.ts";
import { priceBookAt } from "../billing/price-book.ts";
import { checkSpendAlert } from "../billing/spend-alert.ts";
import { clusterMonthTraffic } from "../billing/usage.ts";
import { startPaymentMethodCheckout } from "../billing/stripe/customers.ts";
import { isBillingTestMode, stripe } from "../billing/stripe/client.ts";
import { clusterProcedure, organizationProcedure, router } from "../trpc.ts";

const decimalString = z
  .string()
  .trim()
  .regex(/^\d{1,12}(\.\d{1,2})?$/, "An amount in dollars, e.g. 250 or 99.50");

export const billingRouter = router({
  /** What every member's console shows: test mode and past-due banners. */
  status: organizationProcedure("read").query(async ({ ctx }) => ({
    testMode: isBillingTestMode(),
    ...(await organizationPastDue(ctx.prisma, ctx.organizationId, new Date())),
  })),

  /** The billing page: estimate with forecast, credits, payment method, spend alert. */
  overview: organizationProcedure("billing").query(async ({ ctx }) => {
    const upcoming = await upcomingInvoice(ctx.prisma, ctx.organizationId, new Date());
    const account = await ctx.prisma.billingAccount.findUniqueOrThrow({
      where: { organizationId: ctx.organizationId },
    });
    const spendAlertCrossed = await checkSpendAlert(
      ctx.prisma,
      ctx.organizationId,
      monthStart(new Date(upcoming.billingNow)),
      upcoming.document.subtotal,
    );
    return {
      upcoming,
      creditBalance: moneyString(await creditBalance(ctx.prisma, ctx.organizationId)),
      paymentMethod: account.paymentMethodLabel,
      spendAlert: {
        threshold: account.spendAlertThreshold ? moneyString(account.spendAlertThreshold) : null,
        crossed: spendAlertCrossed,
      },
      stripeConfigured: stripe() !== null,
      priceBook: priceBookAt(new Date(upcoming.billingNow)),
    };
  }),

  /** This month's traffic of a cluster and what Streambed charges for it, for the cost comparison. */
  clusterCost: clusterProcedure("read").query(async ({ ctx }) => {
    const upcoming = await upcomingInvoice(ctx.prisma, ctx.organizationId, new Date());
    const { periodStart, periodEnd } = upcoming.document;
    const lines = upcoming.document.lines.filter(
      (l) => l.clusterId === ctx.cluster.id && l.kind === "usage",
    );
    return {
      periodStart,
      traffic: await clusterMonthTraffic(
        ctx.prisma,
        ctx.cluster.id,
        new Date(periodStart),
        new Date(periodEnd),
      ),
      streambedCost: moneyString(sum(lines.map((l) => new Decimal(l.amount)))),
    };
  }),

  invoices: organizationProcedure("billing").query(({ ctx }) =>
    listInvoices(ctx.prisma, ctx.organizationId),
  ),

  invoice: organizationProcedure("billing")
    .input(z.object({ id: z.string().min(1) }))
    .query(async ({ ctx, input }) => {
      const invoice = await getInvoice(ctx.prisma, ctx.organizationId, input.id);
      if (!invoice) throw new TRPCError({ code: "NOT_FOUND", message: "Invoice not found" });
      return invoice;
    }),

  setSpendAlert: organizationProcedure("billing")
    .input(z.object({ threshold: decimalString.nullable() }))
    .mutation(async ({ ctx, input }) => {
      await ctx.prisma.$transaction(async (tx) => {
        await tx.billingAccount.update({
          where: { organizationId: ctx.organizationId },
          data: { spendAlertThreshold: input.threshold, spendAlertPeriod: null },
        });
        await recordAudit(tx, {
          organizationId: ctx.organizationId,
          actorUserId: ctx.user.id,
          action: "billing.spend_alert_changed",
          targetType: "organization",
          targetId: ctx.organizationId,
          metadata: { threshold: input.threshold },
          ip: ctx.ip,
        });
      });
    }),

  /** Starts Stripe Checkout (setup mode) and returns the hosted page's URL. */
  addPaymentMethod: organizationProcedure("billing").mutation(async ({ ctx }) => {
    const client = stripe();
    if (!client)
      throw new TRPCError({ code: "PRECONDITION_FAILED", message: "Stripe is not configured" });
    const url = await startPaymentMethodCheckout(
      ctx.prisma,
      client,
      ctx.organizationId,
      `${ctx.origin}/billing`,
    );
    return { url };
  }),

  /** Test mode only: moves the organization's billing clock forward and runs billing for it. */
  advanceClock: organizationProcedure("billing")
    .input(z.object({ advanceTo: z.iso.datetime({ offset: true }) }))
    .mutation(async ({ ctx, input }) => {
      try {
        return await advanceTestClock(ctx.prisma, ctx.organizationId, new Date(input.advanceTo), {
          userId: ctx.user.id,
          ip: ctx.ip,
        });
      } catch (err) {
        if (err instanceof BillingNotInTestMode)
          throw new TRPCError({ code: "FORBIDDEN", message: err.message });
        if (err instanceof ClockMovesForwardOnly)
          throw new TRPCError({ code: "BAD_REQUEST", message: err.message });
        throw err;
      }
    }),
});
