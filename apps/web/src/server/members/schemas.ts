import { z } from "zod";
import { roleSchema } from "../organizations/roles.ts";

export const invitationInput = z.object({
  email: z.email("Enter an email address").trim().toLowerCase(),
  role: roleSchema,
});
