import { z } from "zod";

export const credentialDescription = z
  .string()
  .trim()
  .max(200, "At most 200 characters")
  .optional();

export const agentKeyName = z
  .string()
  .trim()
  .min(1, "Give the key a name")
  .max(64, "At most 64 characters");
