import { webConfig } from "@/server/config";
import { prisma } from "@/server/db";
import { stripe } from "@/server/billing/stripe/client";
import { handleStripeWebhook } from "@/server/billing/webhooks";

/** Stripe's webhook: the raw body is what the signature covers, so it is read as text. */
export async function POST(req: Request) {
  const client = stripe();
  const secret = webConfig().stripeWebhookSecret;
  if (!client || !secret)
    return Response.json({ error: "Stripe is not configured" }, { status: 404 });
  const result = await handleStripeWebhook(
    { prisma: prisma(), stripe: client, webhookSecret: secret, wallNow: () => new Date() },
    await req.text(),
    req.headers.get("stripe-signature"),
  );
  return Response.json({ message: result.message }, { status: result.status });
}
