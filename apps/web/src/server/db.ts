import type { PrismaClient } from "@streambed/db";
import { getPrisma } from "@streambed/db/client";

/** The console's PrismaClient (one per process), created on first use so builds need no database. */
export function prisma(): PrismaClient {
  return getPrisma();
}
