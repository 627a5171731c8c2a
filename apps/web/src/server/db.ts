import { getPrisma, type PrismaClient } from "@streambed/db";

/** The console's PrismaClient (one per process), created on first use so builds need no database. */
export function prisma(): PrismaClient {
  return getPrisma();
}
