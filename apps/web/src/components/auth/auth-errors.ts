import { z } from "zod";

export const emailField = z.email("Enter a valid email address");
export const passwordField = z
  .string()
  .min(8, "At least 8 characters")
  .max(128, "At most 128 characters");

export type FormErrors = Record<string, string[] | undefined>;

/** Field errors of a zod parse, for the Field component. */
export function formErrors(error: z.ZodError): FormErrors {
  return z.flattenError(error).fieldErrors as FormErrors;
}
