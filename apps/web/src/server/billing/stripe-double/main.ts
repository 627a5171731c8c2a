/**
 * Runs the Stripe test double as its own process (`npm start` does this when STRIPE_SECRET_KEY is
 * not set): STRIPE_DOUBLE_PORT, STRIPE_DOUBLE_WEBHOOK_URL, STRIPE_WEBHOOK_SECRET.
 */
import { startStripeDouble } from "./server.ts";

const secret = process.env.STRIPE_WEBHOOK_SECRET;
if (!secret) throw new Error("STRIPE_WEBHOOK_SECRET is required");
const double = await startStripeDouble({
  port: Number(process.env.STRIPE_DOUBLE_PORT ?? 12111),
  webhookUrl: process.env.STRIPE_DOUBLE_WEBHOOK_URL,
  webhookSecret: secret,
});
console.log(`stripe test double listening on ${double.url}`);
const stop = () => void double.close().then(() => process.exit(0));
process.on("SIGINT", stop);
process.on("SIGTERM", stop);
