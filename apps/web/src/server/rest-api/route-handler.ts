import type { z } from "zod";
import type { PrismaClient } from "@streambed/db";
import type { Actor } from "../audit/actor.ts";
import { webConfig } from "../config.ts";
import { prisma } from "../db.ts";
import { DomainError, type DomainErrorKind } from "../errors/domain-error.ts";
import { log } from "../log.ts";
import { roleAllows } from "../organizations/roles.ts";
import { ApiError, type ApiErrorCode } from "./api-error.ts";
import { authenticateApiKey } from "./authenticate-api-key.ts";
import type { ApiEndpoint } from "./endpoint.ts";
import { requestFingerprint, runIdempotently, type StoredResponse } from "./idempotency.ts";
import { RateLimiter } from "./rate-limit.ts";

type Parameters = z.ZodObject;

/** What Next.js hands a route handler besides the request. */
interface RouteContext {
  params: Promise<Record<string, string | string[] | undefined>>;
}

export interface ApiRequestOptions {
  limiter?: RateLimiter;
}

const noStore = { "cache-control": "no-store" };

/** Whether a JSON-like value holds a NUL character anywhere (Postgres text cannot store one). */
function holdsNul(value: unknown): boolean {
  if (typeof value === "string") return value.includes("\u0000");
  if (typeof value !== "object" || value === null) return false;
  return Object.entries(value).some(([k, v]) => k.includes("\u0000") || holdsNul(v));
}

const apiCodeOf: Record<DomainErrorKind, ApiErrorCode> = {
  not_found: "not_found",
  conflict: "conflict",
  invalid: "invalid_request",
  precondition_failed: "conflict",
  forbidden: "forbidden",
};

let sharedLimiter: RateLimiter | undefined;
function defaultLimiter(): RateLimiter {
  sharedLimiter ??= new RateLimiter(webConfig().apiRatePerSecond, webConfig().apiRateBurst);
  return sharedLimiter;
}

function parse<S extends Parameters>(
  schema: S | undefined,
  raw: Record<string, unknown>,
): z.infer<S> {
  if (!schema) return {} as z.infer<S>;
  if (holdsNul(raw)) throw new ApiError("invalid_request", "Text may not contain NUL characters");
  const parsed = schema.safeParse(raw);
  if (parsed.success) return parsed.data;
  const message = parsed.error.issues
    .map((i) => (i.path.length ? `${i.path.join(".")}: ${i.message}` : i.message))
    .join("; ");
  throw new ApiError("invalid_request", message);
}

/** An empty query parameter (`?clusterId=`) means the same as an absent one. */
function queryOf(url: URL): Record<string, string> {
  return Object.fromEntries([...url.searchParams].filter(([, value]) => value !== ""));
}

function jsonBody(text: string): Record<string, unknown> {
  let body: unknown;
  try {
    body = text === "" ? undefined : JSON.parse(text);
  } catch {
    body = undefined;
  }
  if (typeof body !== "object" || body === null || Array.isArray(body))
    throw new ApiError("invalid_request", "The body must be a JSON object");
  return body as Record<string, unknown>;
}

/**
 * Runs one endpoint for one request: API key, rate limit, role, parameters, idempotency, then the
 * endpoint; every failure becomes `{"error":{"code","message"}}`. Unexpected errors are logged,
 * never shown.
 */
export async function handleApiRequest<
  Q extends Parameters,
  P extends Parameters,
  B extends z.ZodType,
  I extends Parameters,
>(
  db: PrismaClient,
  endpoint: ApiEndpoint<Q, P, B, I>,
  request: Request,
  params: Record<string, unknown> = {},
  options: ApiRequestOptions = {},
): Promise<Response> {
  let headers: Record<string, string> = noStore;
  try {
    const principal = await authenticateApiKey(db, request.headers.get("authorization"));
    if (!principal)
      throw new ApiError("unauthorized", "Send a valid API key: Authorization: Bearer <key>");
    const retryAfter = (options.limiter ?? defaultLimiter()).take(principal.apiKeyId);
    if (retryAfter !== null) {
      headers = { ...noStore, "retry-after": String(retryAfter) };
      throw new ApiError(
        "rate_limited",
        `Too many requests for this key; retry in ${retryAfter} s`,
      );
    }
    if (!roleAllows(principal.role, endpoint.access))
      throw new ApiError("forbidden", `This key's role (${principal.role}) does not allow this`);
    const url = new URL(request.url);
    const text = endpoint.body ? await request.text() : "";
    const actor: Actor = {
      organizationId: principal.organizationId,
      userId: null,
      apiKeyId: principal.apiKeyId,
      ip: request.headers.get("x-forwarded-for")?.split(",")[0]?.trim() || null,
    };
    const run = async (): Promise<StoredResponse> => ({
      status: endpoint.status ?? 200,
      body: await endpoint.handle({
        prisma: db,
        principal,
        actor,
        origin: url.origin,
        query: parse(endpoint.query, queryOf(url)),
        params: parse(endpoint.params, params),
        body: parse(endpoint.body, endpoint.body ? jsonBody(text) : {}),
      }),
    });
    const key = request.headers.get("idempotency-key");
    if (key !== null && (key.length === 0 || key.length > 255))
      throw new ApiError("invalid_request", "Idempotency-Key must be 1 to 255 characters");
    const response =
      endpoint.idempotent && key
        ? await runIdempotently(
            db,
            principal.organizationId,
            key,
            requestFingerprint(request.method, url.pathname, text),
            run,
          )
        : await run();
    return Response.json(response.body, { status: response.status, headers });
  } catch (err) {
    if (err instanceof DomainError)
      return new ApiError(apiCodeOf[err.kind], err.message).toResponse(headers);
    if (err instanceof ApiError)
      return err.toResponse(
        err.code === "unauthorized" ? { ...headers, "www-authenticate": "Bearer" } : headers,
      );
    log.error({ err, path: endpoint.path }, "REST API request failed");
    return new ApiError("internal", "Something went wrong on our side; try again").toResponse(
      headers,
    );
  }
}

/** The GET/POST/PATCH/DELETE export of a route file under app/api/v1. */
export function apiRoute<
  Q extends Parameters,
  P extends Parameters,
  B extends z.ZodType,
  I extends Parameters,
>(endpoint: ApiEndpoint<Q, P, B, I>) {
  return async (request: Request, context: RouteContext) =>
    handleApiRequest(prisma(), endpoint, request, await context.params);
}
