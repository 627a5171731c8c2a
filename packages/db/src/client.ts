import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import { PrismaClient } from "./generated/prisma/client.ts";

/** A PrismaClient on the node-postgres driver adapter (no query-engine binary). Keep one per process. */
export function createPrismaClient(url: string): PrismaClient {
  return new PrismaClient({ adapter: new PrismaPg({ connectionString: url }) });
}

const globalForPrisma = globalThis as typeof globalThis & { streambedPrisma?: PrismaClient };

/**
 * The process-wide PrismaClient, kept on globalThis so that Next.js dev-mode module reloads
 * reuse it instead of opening a new pool each time. The URL is taken from the argument or,
 * at this edge only, from DATABASE_URL.
 */
export function getPrisma(url?: string): PrismaClient {
  if (globalForPrisma.streambedPrisma) return globalForPrisma.streambedPrisma;
  const connectionString = url ?? process.env.DATABASE_URL;
  if (!connectionString)
    throw new Error("getPrisma: no database URL given and DATABASE_URL is not set");
  globalForPrisma.streambedPrisma = createPrismaClient(connectionString);
  return globalForPrisma.streambedPrisma;
}

// int8 (OID 20) as bigint: Kafka offsets, producer ids and byte counts are 64-bit.
const INT8_OID = 20;
const poolTypes = {
  getTypeParser: ((oid: number, format?: "text" | "binary") =>
    oid === INT8_OID && format !== "binary"
      ? (value: string) => BigInt(value)
      : pg.types.getTypeParser(oid, format ?? "text")) as typeof pg.types.getTypeParser,
};

/**
 * A node-postgres pool for hand-written SQL on hot paths. Unlike pg's default, BIGINT columns
 * come back as JS `bigint` (pass bigint or string parameters for them).
 */
export function createPgPool(
  url: string,
  config: Omit<pg.PoolConfig, "connectionString"> = {},
): pg.Pool {
  return new pg.Pool({ connectionString: url, types: poolTypes, ...config });
}
