import { z } from "zod";

/**
 * The console's configuration, parsed once from the environment at first use.
 * Nothing else in the app reads process.env.
 */
const configSchema = z.object({
  databaseUrl: z.string().min(1).optional(),
  bootstrapAddress: z.string().min(1).default("127.0.0.1:9092"),
  publicUrl: z.url().optional(),
  /** Honour X-Forwarded-Host/-Proto: only when a proxy you run sets (or strips) them. */
  trustProxy: z.boolean(),
  authSecret: z.string().min(16).default("streambed-local-development-secret-change-me"),
  smtpUrl: z.string().optional(),
  mailFrom: z.string().default("Streambed <no-reply@streambed.local>"),
  logLevel: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  production: z.boolean(),
  /** Stripe: unset = invoices are computed locally only; an sk_test_ key = test mode. */
  stripeSecretKey: z.string().min(1).optional(),
  stripeWebhookSecret: z.string().min(1).optional(),
  /** Where the Stripe SDK sends requests; set to the local Stripe test double by `npm start`. */
  stripeApiUrl: z.url().optional(),
  /** REST API rate limit per API key: sustained requests per second and burst. */
  apiRatePerSecond: z.coerce.number().positive().default(20),
  apiRateBurst: z.coerce.number().int().positive().default(100),
});

export type WebConfig = z.infer<typeof configSchema>;

function emptyToUndefined(value: string | undefined): string | undefined {
  return value === undefined || value === "" ? undefined : value;
}

export function parseWebConfig(env: NodeJS.ProcessEnv): WebConfig {
  return configSchema.parse({
    databaseUrl: emptyToUndefined(env.DATABASE_URL),
    bootstrapAddress: emptyToUndefined(env.STREAMBED_BOOTSTRAP),
    publicUrl: emptyToUndefined(env.STREAMBED_PUBLIC_URL ?? env.BETTER_AUTH_URL),
    trustProxy: env.STREAMBED_TRUST_PROXY === "true" || env.STREAMBED_TRUST_PROXY === "1",
    authSecret: emptyToUndefined(env.BETTER_AUTH_SECRET ?? env.STREAMBED_AUTH_SECRET),
    smtpUrl: emptyToUndefined(env.STREAMBED_SMTP_URL),
    mailFrom: emptyToUndefined(env.STREAMBED_MAIL_FROM),
    logLevel: emptyToUndefined(env.LOG_LEVEL),
    production: env.NODE_ENV === "production",
    stripeSecretKey: emptyToUndefined(env.STRIPE_SECRET_KEY),
    stripeWebhookSecret: emptyToUndefined(env.STRIPE_WEBHOOK_SECRET),
    stripeApiUrl: emptyToUndefined(env.STRIPE_API_URL),
    apiRatePerSecond: emptyToUndefined(env.STREAMBED_API_RATE_PER_SECOND),
    apiRateBurst: emptyToUndefined(env.STREAMBED_API_RATE_BURST),
  });
}

let cached: WebConfig | undefined;

export function webConfig(): WebConfig {
  cached ??= parseWebConfig(process.env);
  return cached;
}
