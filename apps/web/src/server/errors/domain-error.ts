/**
 * A refusal decided by domain logic, kept apart from how an edge reports it: tRPC turns the kind
 * into its error code (trpc.ts), the REST API into its error object (rest-api/route-handler.ts).
 */
export type DomainErrorKind =
  "not_found" | "conflict" | "invalid" | "precondition_failed" | "forbidden";

export class DomainError extends Error {
  constructor(
    readonly kind: DomainErrorKind,
    message: string,
  ) {
    super(message);
  }
}

export const notFound = (message: string) => new DomainError("not_found", message);
