import { createHash } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import Stripe from "stripe";
import { completeCheckout, emptyState, routes, type DoubleState } from "./api.ts";
import { parseStripeForm } from "./form.ts";
import { nowSeconds, StripeError, stripeId, type StripeObject } from "./objects.ts";

/**
 * A small Stripe-API test double for local runs and tests (stripe-mock is not available here):
 * exactly the endpoints Streambed calls, Stripe's object shapes, ids and error format, form-encoded
 * bodies as the SDK sends them, Idempotency-Key replays, a hosted checkout page that attaches a
 * test card, and webhooks signed the way the SDK verifies them. Never used in production.
 */

export interface StripeDoubleOptions {
  port?: number;
  host?: string;
  /** Where webhooks go (our POST /api/stripe/webhook); unset = events are only recorded. */
  webhookUrl?: string;
  webhookSecret: string;
}

interface Recorded {
  status: number;
  body: unknown;
  fingerprint: string;
}

export interface StripeDouble {
  url: string;
  port: number;
  state: DoubleState;
  /** Every event emitted, oldest first, with the payload as sent. */
  events: { event: StripeObject; payload: string }[];
  /** Sends a recorded event again (a replay), freshly signed; returns the endpoint's status. */
  resend(eventId: string, signedAt?: number): Promise<number>;
  /** Waits until every queued webhook has been delivered. */
  idle(): Promise<void>;
  close(): Promise<void>;
}

const signer = new Stripe("sk_test_stripe_double_signer");

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

function send(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
) {
  res.writeHead(status, {
    "content-type": "application/json",
    "request-id": stripeId("req"),
    ...headers,
  });
  res.end(JSON.stringify(body));
}

function checkoutPage(session: StripeObject): string {
  return `<!doctype html><html><head><meta charset="utf-8"><title>Stripe test checkout</title>
<style>body{font-family:system-ui,sans-serif;max-width:420px;margin:60px auto;color:#1a1f36}
input{width:100%;padding:8px;font-size:16px;margin:6px 0 14px;box-sizing:border-box}
button{background:#635bff;color:#fff;border:0;padding:10px 16px;font-size:16px;border-radius:6px;width:100%}
.note{font-size:13px;color:#697386}</style></head><body>
<p class="note">TEST MODE — Stripe test double</p>
<h1>Save a card</h1>
<form method="post" action="/checkout/${session.id}">
<label for="card">Card number</label>
<input id="card" name="card" value="4242 4242 4242 4242" autocomplete="off">
<button type="submit">Save card</button>
</form>
<p class="note">4242 4242 4242 4242 pays; 4000 0000 0000 0341 attaches but every charge is declined.</p>
</body></html>`;
}

export async function startStripeDouble(options: StripeDoubleOptions): Promise<StripeDouble> {
  const state = emptyState();
  const idempotency = new Map<string, Recorded>();
  const events: StripeDouble["events"] = [];
  let deliveries: Promise<unknown> = Promise.resolve();
  let baseUrl = "";

  const deliver = async (payload: string, signedAt = nowSeconds()): Promise<number> => {
    if (!options.webhookUrl) return 0;
    const header = signer.webhooks.generateTestHeaderString({
      payload,
      secret: options.webhookSecret,
      timestamp: signedAt,
    });
    const res = await fetch(options.webhookUrl, {
      method: "POST",
      headers: { "content-type": "application/json", "stripe-signature": header },
      body: payload,
    }).catch(() => null);
    return res?.status ?? 0;
  };
  const emit = (type: string, object: StripeObject) => {
    const event = {
      id: stripeId("evt"),
      object: "event",
      api_version: Stripe.API_VERSION,
      created: nowSeconds(),
      type,
      livemode: false,
      pending_webhooks: options.webhookUrl ? 1 : 0,
      request: { id: null, idempotency_key: null },
      // A snapshot: later changes to the object do not alter an event already emitted.
      data: { object: structuredClone(object) },
    };
    const payload = JSON.stringify(event, null, 2);
    events.push({ event, payload });
    deliveries = deliveries.then(() => deliver(payload));
  };

  async function handleApi(req: IncomingMessage, res: ServerResponse, path: string, raw: string) {
    if (!/^Bearer sk_test_\w+/.test(req.headers.authorization ?? ""))
      return send(res, 401, {
        error: { type: "invalid_request_error", message: "Invalid API Key provided" },
      });
    const route = routes.find((r) => r.method === req.method && r.pattern.test(path));
    if (!route)
      return send(res, 404, {
        error: {
          type: "invalid_request_error",
          message: `Unrecognized request URL (${req.method}: ${path})`,
        },
      });
    const key = req.headers["idempotency-key"];
    const fingerprint = createHash("sha256").update(`${req.method} ${path} ${raw}`).digest("hex");
    if (typeof key === "string" && req.method === "POST") {
      const seen = idempotency.get(key);
      if (seen && seen.fingerprint !== fingerprint)
        return send(res, 400, {
          error: {
            type: "idempotency_error",
            message: `Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '${key}' if you meant to execute a different request.`,
          },
        });
      if (seen) return send(res, seen.status, seen.body, { "idempotent-replayed": "true" });
    }
    let status = 200;
    let body: unknown;
    try {
      body = route.handle(state, route.pattern.exec(path)!.slice(1), parseStripeForm(raw), {
        emit,
        baseUrl,
      });
    } catch (err) {
      if (!(err instanceof StripeError)) throw err;
      status = err.status;
      body = err.body();
    }
    if (typeof key === "string" && req.method === "POST")
      idempotency.set(key, { status, body: structuredClone(body), fingerprint });
    send(res, status, body);
  }

  const server = createServer((req, res) => {
    void (async () => {
      const path = new URL(req.url ?? "/", "http://double").pathname;
      const raw = await readBody(req);
      if (path === "/healthz") return send(res, 200, { ok: true });
      const checkout = /^\/checkout\/([^/]+)$/.exec(path);
      if (checkout) {
        const session = state.sessions.get(checkout[1]!);
        if (!session) return send(res, 404, { error: { message: "No such checkout session" } });
        if (req.method === "GET") {
          res.writeHead(200, { "content-type": "text/html; charset=utf-8" });
          return res.end(checkoutPage(session));
        }
        const card = new URLSearchParams(raw).get("card") ?? "";
        completeCheckout(state, session.id, card, emit);
        await deliveries; // the console sees the card once the browser is back
        res.writeHead(303, { location: String(session.success_url) });
        return res.end();
      }
      await handleApi(req, res, path, raw);
    })().catch((err: unknown) => {
      send(res, 500, { error: { type: "api_error", message: String(err) } });
    });
  });
  await new Promise<void>((resolve) =>
    server.listen(options.port ?? 0, options.host ?? "127.0.0.1", resolve),
  );
  const port = (server.address() as AddressInfo).port;
  baseUrl = `http://${options.host ?? "127.0.0.1"}:${port}`;

  return {
    url: baseUrl,
    port,
    state,
    events,
    resend: (eventId, signedAt) => {
      const found = events.find((e) => e.event.id === eventId);
      if (!found) throw new Error(`no event ${eventId}`);
      return deliver(found.payload, signedAt);
    },
    idle: async () => {
      let before: Promise<unknown>;
      do {
        before = deliveries;
        await before;
      } while (before !== deliveries);
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
