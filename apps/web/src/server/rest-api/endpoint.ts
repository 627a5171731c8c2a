import type { z } from "zod";
import type { PrismaClient } from "@streambed/db";
import type { Actor } from "../audit/actor.ts";
import type { Access } from "../organizations/roles.ts";
import type { ApiPrincipal } from "./authenticate-api-key.ts";

/** Objects only: each property becomes one query or path parameter in the OpenAPI document. */
type Parameters = z.ZodObject;

/**
 * One operation of the REST API. Its zod schemas both validate requests (route-handler.ts) and
 * describe it in the OpenAPI document (openapi.ts), so the two cannot disagree.
 */
export interface ApiEndpoint<
  Query extends Parameters = Parameters,
  Params extends Parameters = Parameters,
  Body extends z.ZodType = z.ZodType,
  Input extends Parameters = Parameters,
> {
  method: "get" | "post" | "patch" | "delete";
  /** The success status: 201 for creates. Default 200. */
  status?: 200 | 201;
  /**
   * A create that honours the Idempotency-Key header: a retry with the same key and request gets
   * the first response again.
   */
  idempotent?: boolean;
  /** OpenAPI path syntax: /api/v1/clusters/{clusterId}. */
  path: string;
  operationId: string;
  summary: string;
  description?: string;
  tag: string;
  access: Access;
  query?: Query;
  params?: Params;
  /** The JSON request body (POST, PATCH). */
  body?: Input;
  response: Body;
  /** Whether a 404 is a documented outcome (an id in the path or query). */
  notFound?: boolean;
  handle(request: {
    prisma: PrismaClient;
    principal: ApiPrincipal;
    /** The key as the author of changes (audit log). */
    actor: Actor;
    /** Origin of the API as the caller reached it, for links. */
    origin: string;
    query: z.infer<Query>;
    params: z.infer<Params>;
    body: z.infer<Input>;
  }): Promise<z.input<Body>>;
}

/** Declares an endpoint with its types inferred from its schemas. */
export function defineEndpoint<
  Query extends Parameters = Parameters,
  Params extends Parameters = Parameters,
  Body extends z.ZodType = z.ZodType,
  Input extends Parameters = Parameters,
>(endpoint: ApiEndpoint<Query, Params, Body, Input>): ApiEndpoint<Query, Params, Body, Input> {
  return endpoint;
}
