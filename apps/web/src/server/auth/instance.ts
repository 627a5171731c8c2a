import { prisma } from "../db.ts";
import { createAuth, type Auth } from "./auth.ts";

let auth: Auth | undefined;

/** The process-wide better-auth instance, created on first use. */
export function getAuth(): Auth {
  auth ??= createAuth(prisma());
  return auth;
}
