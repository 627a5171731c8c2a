import { expect } from "vitest";
import type { PrismaClient } from "@streambed/db";
import type { ApiEndpoint } from "../src/server/rest-api/endpoint.ts";
import { RateLimiter } from "../src/server/rest-api/rate-limit.ts";
import { handleApiRequest } from "../src/server/rest-api/route-handler.ts";

export interface RestCall {
  key: string;
  body?: unknown;
  params?: Record<string, string>;
  query?: string;
  idempotencyKey?: string;
  limiter?: RateLimiter;
}

/**
 * One request through the route handler as `prisma`'s API; a success must match the endpoint's
 * documented schema.
 */
export async function callEndpoint(prisma: PrismaClient, endpoint: ApiEndpoint, c: RestCall) {
  const headers: Record<string, string> = { authorization: `Bearer ${c.key}` };
  if (c.body !== undefined) headers["content-type"] = "application/json";
  if (c.idempotencyKey) headers["idempotency-key"] = c.idempotencyKey;
  const path = endpoint.path.replace(/\{(\w+)\}/g, (_, name: string) => c.params?.[name] ?? "");
  const res = await handleApiRequest(
    prisma,
    endpoint,
    new Request(`http://localhost${path}${c.query ?? ""}`, {
      method: endpoint.method.toUpperCase(),
      headers,
      body: c.body === undefined ? undefined : JSON.stringify(c.body),
    }),
    c.params ?? {},
    { limiter: c.limiter ?? new RateLimiter(1000, 1000) },
  );
  const body = (await res.json()) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- response shapes vary per endpoint; checked against its schema below
  if (res.ok) expect(endpoint.response.safeParse(body).error).toBeUndefined();
  return { status: res.status, body, headers: res.headers };
}
