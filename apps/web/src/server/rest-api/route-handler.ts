import type { z } from "zod";
import type { PrismaClient } from "@streambed/db";
import { prisma } from "../db.ts";
import { log } from "../log.ts";
import { roleAllows } from "../organizations/roles.ts";
import { ApiError } from "./api-error.ts";
import { authenticateApiKey } from "./authenticate-api-key.ts";
import type { ApiEndpoint } from "./endpoint.ts";

type Parameters = z.ZodObject;

/** What Next.js hands a route handler besides the request. */
interface RouteContext {
  params: Promise<Record<string, string | string[] | undefined>>;
}

const noStore = { "cache-control": "no-store" };

/** Whether a JSON-like value holds a NUL character anywhere (Postgres text cannot store one). */
function holdsNul(value: unknown): boolean {
  if (typeof value === "string") return value.includes("\u0000");
  if (typeof value !== "object" || value === null) return false;
  return Object.entries(value).some(([k, v]) => k.includes("\u0000") || holdsNul(v));
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

async function jsonBody(request: Request): Promise<Record<string, unknown>> {
  const body: unknown = await request.json().catch(() => undefined);
  if (typeof body !== "object" || body === null || Array.isArray(body))
    throw new ApiError("invalid_request", "The body must be a JSON object");
  return body as Record<string, unknown>;
}

/**
 * Runs one endpoint for one request: API key, role, parameters, then the endpoint; every failure
 * becomes `{"error":{"code","message"}}`. Unexpected errors are logged, never shown.
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
): Promise<Response> {
  try {
    const principal = await authenticateApiKey(db, request.headers.get("authorization"));
    if (!principal)
      throw new ApiError("unauthorized", "Send a valid API key: Authorization: Bearer <key>");
    if (!roleAllows(principal.role, endpoint.access))
      throw new ApiError("forbidden", `This key's role (${principal.role}) does not allow this`);
    const body = await endpoint.handle({
      prisma: db,
      principal,
      query: parse(endpoint.query, queryOf(new URL(request.url))),
      params: parse(endpoint.params, params),
      body: parse(endpoint.body, endpoint.body ? await jsonBody(request) : {}),
    });
    return Response.json(body, { headers: noStore });
  } catch (err) {
    if (err instanceof ApiError)
      return err.toResponse(
        err.code === "unauthorized" ? { ...noStore, "www-authenticate": "Bearer" } : noStore,
      );
    log.error({ err, path: endpoint.path }, "REST API request failed");
    return new ApiError("internal", "Something went wrong on our side; try again").toResponse(
      noStore,
    );
  }
}

/** The GET (or POST) export of a route file under app/api/v1. */
export function apiRoute<
  Q extends Parameters,
  P extends Parameters,
  B extends z.ZodType,
  I extends Parameters,
>(endpoint: ApiEndpoint<Q, P, B, I>) {
  return async (request: Request, context: RouteContext) =>
    handleApiRequest(prisma(), endpoint, request, await context.params);
}
