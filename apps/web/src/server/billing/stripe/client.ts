import Stripe from "stripe";
import { webConfig, type WebConfig } from "../../config.ts";

type StripeSettings = Pick<WebConfig, "stripeSecretKey" | "stripeApiUrl">;

/**
 * Test mode: a Stripe test key (as `npm start` uses with the local Stripe double) or no Stripe at
 * all. Only then may an organization's billing clock be advanced.
 */
export function isBillingTestMode(config: StripeSettings = webConfig()): boolean {
  return !config.stripeSecretKey || config.stripeSecretKey.startsWith("sk_test_");
}

/** The SDK pointed at Stripe, or at whatever `stripeApiUrl` names (the local test double). */
export function createStripe(config: StripeSettings): Stripe | null {
  if (!config.stripeSecretKey) return null;
  const url = config.stripeApiUrl ? new URL(config.stripeApiUrl) : null;
  return new Stripe(config.stripeSecretKey, {
    ...(url && {
      host: url.hostname,
      port: Number(url.port || (url.protocol === "https:" ? 443 : 80)),
      protocol: url.protocol === "https:" ? "https" : "http",
    }),
    maxNetworkRetries: 2,
    telemetry: false,
  });
}

let cached: Stripe | null | undefined;

/** The console's Stripe client (null when Stripe is not configured). */
export function stripe(): Stripe | null {
  if (cached === undefined) cached = createStripe(webConfig());
  return cached;
}
