import { z } from "zod";
import { ClockMovesForwardOnly } from "../billing/clock.ts";
import { advanceTestClock, BillingNotInTestMode } from "../billing/test-clock.ts";
import { ApiError } from "./api-error.ts";
import { defineEndpoint } from "./endpoint.ts";

export const advanceTestClockEndpoint = defineEndpoint({
  method: "post",
  path: "/api/v1/billing/test-clock",
  operationId: "advanceTestClock",
  tag: "Billing",
  summary: "Advance the billing test clock",
  description:
    "Test mode only (no Stripe, or a Stripe test key): moves the organization's billing time forward, like a Stripe test clock, then runs the billing cycle for it (period close, finalization, payment, dunning). It never moves back. Refused with 403 outside test mode.",
  access: "billing",
  body: z.object({
    advanceTo: z.iso
      .datetime({ offset: true })
      .meta({ description: "The new billing time", example: "2027-01-01T02:00:00Z" }),
  }),
  response: z
    .object({
      billingNow: z.iso.datetime().meta({ description: "The organization's billing time" }),
    })
    .meta({ id: "TestClock" }),
  async handle({ prisma, principal, body }) {
    try {
      return await advanceTestClock(prisma, principal.organizationId, new Date(body.advanceTo), {
        userId: null,
        apiKeyId: principal.apiKeyId,
      });
    } catch (err) {
      if (err instanceof BillingNotInTestMode) throw new ApiError("forbidden", err.message);
      if (err instanceof ClockMovesForwardOnly) throw new ApiError("invalid_request", err.message);
      throw err;
    }
  },
});
