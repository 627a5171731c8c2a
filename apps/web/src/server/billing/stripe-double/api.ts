import type { FormValue } from "./form.ts";
import {
  cardBrand,
  DECLINING_CARDS,
  metadataOf,
  missing,
  nowSeconds,
  StripeError,
  stripeId,
  type StripeObject,
} from "./objects.ts";

/**
 * The Stripe API endpoints Streambed calls, on in-memory state. Each handler takes the parsed form
 * body and returns the Stripe object; events to send as webhooks are passed to `emit`.
 */
export interface DoubleState {
  customers: Map<string, StripeObject>;
  sessions: Map<string, StripeObject>;
  setupIntents: Map<string, StripeObject>;
  paymentMethods: Map<string, StripeObject & { card_number: string }>;
  invoices: Map<string, StripeObject>;
  invoiceItems: Map<string, StripeObject>;
}

export function emptyState(): DoubleState {
  return {
    customers: new Map(),
    sessions: new Map(),
    setupIntents: new Map(),
    paymentMethods: new Map(),
    invoices: new Map(),
    invoiceItems: new Map(),
  };
}

type Emit = (type: string, object: StripeObject) => void;
type Body = Record<string, FormValue>;
export interface Route {
  method: "GET" | "POST";
  pattern: RegExp;
  handle: (state: DoubleState, params: string[], body: Body, ctx: ApiContext) => StripeObject;
}
export interface ApiContext {
  emit: Emit;
  /** Public base URL of the double, for hosted pages. */
  baseUrl: string;
}

const str = (v: FormValue | undefined) => (typeof v === "string" ? v : undefined);
const int = (v: FormValue | undefined, param: string) => {
  const n = Number(str(v));
  if (!Number.isInteger(n))
    throw new StripeError(400, "invalid_request_error", `Invalid integer: ${String(v)}`, { param });
  return n;
};
function get<T>(map: Map<string, T>, kind: string, id: string): T {
  const found = map.get(id);
  if (!found) throw missing(kind, id);
  return found;
}

/** What Stripe shows of a payment method (never the full number). */
function publicPaymentMethod(pm: StripeObject & { card_number: string }): StripeObject {
  const { card_number: _, ...rest } = pm;
  return rest as StripeObject;
}

function invoiceTotal(state: DoubleState, invoiceId: string): number {
  let total = 0;
  for (const item of state.invoiceItems.values())
    if (item.invoice === invoiceId) total += item.amount as number;
  return total;
}

function defaultCard(state: DoubleState, customerId: string) {
  const customer = get(state.customers, "customer", customerId);
  const settings = customer.invoice_settings as { default_payment_method: string | null };
  const id =
    settings.default_payment_method ??
    [...state.paymentMethods.values()].find((pm) => pm.customer === customerId)?.id;
  return id ? state.paymentMethods.get(id) : undefined;
}

export const routes: Route[] = [
  {
    method: "POST",
    pattern: /^\/v1\/customers$/,
    handle: (state, _, body) => {
      const customer: StripeObject = {
        id: stripeId("cus"),
        object: "customer",
        created: nowSeconds(),
        livemode: false,
        name: str(body.name) ?? null,
        email: str(body.email) ?? null,
        metadata: metadataOf(body.metadata),
        invoice_settings: { default_payment_method: null },
      };
      state.customers.set(customer.id, customer);
      return customer;
    },
  },
  {
    method: "GET",
    pattern: /^\/v1\/customers\/([^/]+)$/,
    handle: (state, [id]) => get(state.customers, "customer", id!),
  },
  {
    method: "POST",
    pattern: /^\/v1\/customers\/([^/]+)$/,
    handle: (state, [id], body) => {
      const customer = get(state.customers, "customer", id!);
      const settings = body.invoice_settings as Body | undefined;
      const pm = str(settings?.default_payment_method);
      if (pm !== undefined) {
        if (pm !== "") get(state.paymentMethods, "payment_method", pm);
        customer.invoice_settings = { default_payment_method: pm || null };
      }
      if (str(body.name) !== undefined) customer.name = str(body.name);
      return customer;
    },
  },
  {
    method: "POST",
    pattern: /^\/v1\/checkout\/sessions$/,
    handle: (state, _, body, ctx) => {
      if (str(body.mode) !== "setup")
        throw new StripeError(400, "invalid_request_error", "Only mode=setup is supported here", {
          param: "mode",
        });
      const customer = str(body.customer);
      if (customer) get(state.customers, "customer", customer);
      const intent: StripeObject = {
        id: stripeId("seti"),
        object: "setup_intent",
        customer: customer ?? null,
        status: "requires_payment_method",
        payment_method: null,
        usage: "off_session",
        livemode: false,
      };
      state.setupIntents.set(intent.id, intent);
      const id = stripeId("cs_test");
      const session: StripeObject = {
        id,
        object: "checkout.session",
        mode: "setup",
        status: "open",
        customer: customer ?? null,
        currency: str(body.currency) ?? null,
        setup_intent: intent.id,
        success_url: str(body.success_url) ?? null,
        cancel_url: str(body.cancel_url) ?? null,
        metadata: metadataOf(body.metadata),
        url: `${ctx.baseUrl}/checkout/${id}`,
        created: nowSeconds(),
        livemode: false,
      };
      state.sessions.set(id, session);
      return session;
    },
  },
  {
    method: "GET",
    pattern: /^\/v1\/checkout\/sessions\/([^/]+)$/,
    handle: (state, [id]) => get(state.sessions, "checkout.session", id!),
  },
  {
    method: "GET",
    pattern: /^\/v1\/setup_intents\/([^/]+)$/,
    handle: (state, [id]) => get(state.setupIntents, "setup_intent", id!),
  },
  {
    method: "GET",
    pattern: /^\/v1\/payment_methods\/([^/]+)$/,
    handle: (state, [id]) => publicPaymentMethod(get(state.paymentMethods, "payment_method", id!)),
  },
  {
    method: "POST",
    pattern: /^\/v1\/payment_methods\/([^/]+)\/detach$/,
    handle: (state, [id], _, ctx) => {
      const pm = get(state.paymentMethods, "payment_method", id!);
      pm.customer = null;
      ctx.emit("payment_method.detached", publicPaymentMethod(pm));
      return publicPaymentMethod(pm);
    },
  },
  {
    method: "POST",
    pattern: /^\/v1\/invoices$/,
    handle: (state, _, body) => {
      const customer = get(state.customers, "customer", str(body.customer) ?? "");
      const invoice: StripeObject = {
        id: stripeId("in"),
        object: "invoice",
        customer: customer.id,
        status: "draft",
        currency: str(body.currency) ?? "usd",
        collection_method: str(body.collection_method) ?? "charge_automatically",
        auto_advance: str(body.auto_advance) === "true",
        description: str(body.description) ?? null,
        metadata: metadataOf(body.metadata),
        amount_due: 0,
        amount_paid: 0,
        total: 0,
        attempt_count: 0,
        attempted: false,
        number: null,
        created: nowSeconds(),
        livemode: false,
      };
      state.invoices.set(invoice.id, invoice);
      return invoice;
    },
  },
  {
    method: "GET",
    pattern: /^\/v1\/invoices\/([^/]+)$/,
    handle: (state, [id]) => get(state.invoices, "invoice", id!),
  },
  {
    method: "POST",
    pattern: /^\/v1\/invoiceitems$/,
    handle: (state, _, body) => {
      const customer = get(state.customers, "customer", str(body.customer) ?? "");
      const invoiceId = str(body.invoice);
      if (invoiceId) {
        const invoice = get(state.invoices, "invoice", invoiceId);
        if (invoice.status !== "draft")
          throw new StripeError(400, "invalid_request_error", "The invoice is no longer a draft", {
            param: "invoice",
          });
      }
      const item: StripeObject = {
        id: stripeId("ii"),
        object: "invoiceitem",
        customer: customer.id,
        invoice: invoiceId ?? null,
        amount: int(body.amount, "amount"),
        currency: str(body.currency) ?? "usd",
        description: str(body.description) ?? null,
        metadata: metadataOf(body.metadata),
        date: nowSeconds(),
        livemode: false,
      };
      state.invoiceItems.set(item.id, item);
      return item;
    },
  },
  {
    method: "POST",
    pattern: /^\/v1\/invoices\/([^/]+)\/finalize$/,
    handle: (state, [id], _, ctx) => {
      const invoice = get(state.invoices, "invoice", id!);
      if (invoice.status === "draft") {
        const total = invoiceTotal(state, invoice.id);
        Object.assign(invoice, {
          status: "open",
          total,
          amount_due: total,
          number: `DBL-${String(state.invoices.size).padStart(4, "0")}`,
        });
        ctx.emit("invoice.finalized", invoice);
      }
      return invoice;
    },
  },
  {
    method: "POST",
    pattern: /^\/v1\/invoices\/([^/]+)\/pay$/,
    handle: (state, [id], _, ctx) => {
      const invoice = get(state.invoices, "invoice", id!);
      if (invoice.status === "paid")
        throw new StripeError(400, "invalid_request_error", "Invoice is already paid", {
          code: "invoice_already_paid",
        });
      if (invoice.status !== "open")
        throw new StripeError(400, "invalid_request_error", "Invoice is not open");
      const card = defaultCard(state, invoice.customer as string);
      invoice.attempt_count = (invoice.attempt_count as number) + 1;
      invoice.attempted = true;
      if (!card || DECLINING_CARDS.has(card.card_number)) {
        ctx.emit("invoice.payment_failed", invoice);
        throw new StripeError(402, "card_error", "Your card was declined.", {
          code: card ? "card_declined" : "invoice_payment_intent_requires_action",
          decline_code: card ? "generic_decline" : "",
        });
      }
      Object.assign(invoice, {
        status: "paid",
        amount_paid: invoice.amount_due,
        amount_due: 0,
      });
      ctx.emit("invoice.paid", invoice);
      return invoice;
    },
  },
];

/** The hosted checkout's submit: a card becomes a payment method attached to the customer. */
export function completeCheckout(
  state: DoubleState,
  sessionId: string,
  cardNumber: string,
  emit: Emit,
): StripeObject {
  const session = get(state.sessions, "checkout.session", sessionId);
  if (session.status !== "open") return session;
  const number = cardNumber.replace(/\D/g, "");
  const pm = {
    id: stripeId("pm"),
    object: "payment_method",
    type: "card",
    customer: session.customer,
    card: {
      brand: cardBrand(number),
      last4: number.slice(-4),
      exp_month: 12,
      exp_year: new Date().getUTCFullYear() + 3,
      funding: "credit",
      country: "US",
    },
    created: nowSeconds(),
    livemode: false,
    card_number: number,
  };
  state.paymentMethods.set(pm.id, pm);
  const intent = get(state.setupIntents, "setup_intent", session.setup_intent as string);
  Object.assign(intent, { status: "succeeded", payment_method: pm.id });
  Object.assign(session, { status: "complete" });
  emit("payment_method.attached", publicPaymentMethod(pm));
  emit("checkout.session.completed", session);
  return session;
}
