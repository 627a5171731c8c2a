import type { PrismaClient } from "@streambed/db";
import type Stripe from "stripe";

/**
 * The organization's Stripe customer, created on first need. The idempotency key makes two
 * concurrent first calls create one customer; the conditional update keeps the first id stored.
 */
export async function ensureStripeCustomer(
  prisma: PrismaClient,
  stripe: Stripe,
  organizationId: string,
): Promise<string> {
  const org = await prisma.organization.findUniqueOrThrow({ where: { id: organizationId } });
  if (org.stripeCustomerId) return org.stripeCustomerId;
  const customer = await stripe.customers.create(
    { name: org.name, metadata: { organizationId } },
    { idempotencyKey: `customer:${organizationId}` },
  );
  await prisma.organization.updateMany({
    where: { id: organizationId, stripeCustomerId: null },
    data: { stripeCustomerId: customer.id },
  });
  const stored = await prisma.organization.findUniqueOrThrow({ where: { id: organizationId } });
  return stored.stripeCustomerId!;
}

/** A Checkout session in setup mode: the customer enters a card on Stripe's hosted page. */
export async function startPaymentMethodCheckout(
  prisma: PrismaClient,
  stripe: Stripe,
  organizationId: string,
  returnUrl: string,
): Promise<string> {
  const customer = await ensureStripeCustomer(prisma, stripe, organizationId);
  const session = await stripe.checkout.sessions.create({
    mode: "setup",
    customer,
    currency: "usd",
    success_url: `${returnUrl}?checkout=success`,
    cancel_url: `${returnUrl}?checkout=canceled`,
    metadata: { organizationId },
  });
  if (!session.url) throw new Error("Stripe returned a Checkout session without a URL");
  return session.url;
}
