import { z } from "zod";

const apiErrorCodes = [
  "invalid_request",
  "unauthorized",
  "forbidden",
  "not_found",
  "conflict",
  "idempotency_key_reused",
  "rate_limited",
  "internal",
] as const;
export type ApiErrorCode = (typeof apiErrorCodes)[number];

const statusOf: Record<ApiErrorCode, number> = {
  invalid_request: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  idempotency_key_reused: 422,
  rate_limited: 429,
  internal: 500,
};

/** The body of every REST API error. */
export const apiErrorSchema = z
  .object({
    error: z.object({
      code: z.enum(apiErrorCodes),
      message: z.string().meta({ description: "For people; may change without notice" }),
    }),
  })
  .meta({ id: "Error" });

/** A refusal an endpoint decides on; the route handler turns it into the JSON error body. */
export class ApiError extends Error {
  constructor(
    readonly code: ApiErrorCode,
    message: string,
  ) {
    super(message);
  }

  toResponse(headers?: HeadersInit): Response {
    const body: z.infer<typeof apiErrorSchema> = {
      error: { code: this.code, message: this.message },
    };
    return Response.json(body, { status: statusOf[this.code], headers });
  }
}
