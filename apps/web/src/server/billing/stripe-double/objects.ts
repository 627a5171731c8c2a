import { randomBytes } from "node:crypto";
import type { FormValue } from "./form.ts";

/** Stripe-shaped objects kept in memory, with Stripe's id prefixes and field names. */

export function stripeId(prefix: string): string {
  return `${prefix}_${randomBytes(12).toString("base64url").replace(/[-_]/g, "x")}`;
}

export const nowSeconds = () => Math.floor(Date.now() / 1000);

export type StripeObject = Record<string, unknown> & { id: string; object: string };

export class StripeError extends Error {
  constructor(
    readonly status: number,
    readonly type: string,
    message: string,
    readonly extra: Record<string, string> = {},
  ) {
    super(message);
  }
  body() {
    return { error: { type: this.type, message: this.message, ...this.extra } };
  }
}

export function missing(kind: string, id: string): StripeError {
  return new StripeError(404, "invalid_request_error", `No such ${kind}: '${id}'`, {
    code: "resource_missing",
    param: "id",
  });
}

export function metadataOf(value: FormValue | undefined): Record<string, string> {
  if (!value || typeof value !== "object" || Array.isArray(value)) return {};
  return Object.fromEntries(
    Object.entries(value).filter((e): e is [string, string] => typeof e[1] === "string"),
  );
}

/** Test cards: these attach fine but every charge on them is declined (as on Stripe). */
export const DECLINING_CARDS = new Set(["4000000000000341", "4000000000000002"]);

export function cardBrand(number: string): string {
  if (number.startsWith("4")) return "visa";
  if (/^5[1-5]/.test(number)) return "mastercard";
  if (/^3[47]/.test(number)) return "amex";
  return "unknown";
}
