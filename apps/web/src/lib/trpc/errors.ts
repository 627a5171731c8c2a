import { TRPCClientError } from "@trpc/client";
import type { AppRouter } from "@/server/routers/app";

export type FieldErrors = Record<string, string[] | undefined>;

/** The zod field errors a procedure rejected the input with, keyed by field name. */
export function fieldErrorsOf(err: unknown): FieldErrors {
  if (err instanceof TRPCClientError) {
    const data = (err as TRPCClientError<AppRouter>).data as
      { fieldErrors?: FieldErrors | null } | undefined;
    return data?.fieldErrors ?? {};
  }
  return {};
}

/** A message fit for a toast: the server's message, unless it was a validation error (shown on the fields). */
export function messageOf(err: unknown): string {
  if (Object.keys(fieldErrorsOf(err)).length > 0) return "Check the highlighted fields";
  return err instanceof Error ? err.message : "Something went wrong";
}
