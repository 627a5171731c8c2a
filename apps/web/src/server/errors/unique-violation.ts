/** True for Prisma's unique-constraint error (P2002), without importing the client at runtime. */
export function isUniqueViolation(err: unknown): boolean {
  return typeof err === "object" && err !== null && "code" in err && err.code === "P2002";
}
