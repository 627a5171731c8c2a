import { createHash } from "node:crypto";
import type { Prisma, PrismaClient } from "@streambed/db";
import { ApiError } from "./api-error.ts";

/** How long a key is remembered. */
const idempotencyTtlMs = 24 * 3600 * 1000;

export interface StoredResponse {
  status: number;
  body: unknown;
}

/** What identifies a request under one key: its method, path and body. */
export function requestFingerprint(method: string, path: string, body: string): string {
  return createHash("sha256").update(`${method}\n${path}\n${body}`).digest("hex");
}

/**
 * Runs a create once per (organization, Idempotency-Key): a retry with the same request gets the
 * stored response, another request under the key a 422, a retry while the first still runs a 409.
 * Only successes are stored, so a failed create can be retried with the same key.
 */
export async function runIdempotently(
  prisma: PrismaClient,
  organizationId: string,
  key: string,
  fingerprint: string,
  run: () => Promise<StoredResponse>,
): Promise<StoredResponse> {
  const id = { organizationId_key: { organizationId, key } };
  const now = new Date();
  await prisma.idempotencyRecord.deleteMany({
    where: { organizationId, key, expiresAt: { lte: now } },
  });
  const { count } = await prisma.idempotencyRecord.createMany({
    data: [
      {
        organizationId,
        key,
        requestHash: fingerprint,
        expiresAt: new Date(now.getTime() + idempotencyTtlMs),
      },
    ],
    skipDuplicates: true,
  });
  if (count === 0) {
    const stored = await prisma.idempotencyRecord.findUnique({ where: id });
    if (!stored)
      throw new ApiError("conflict", "A request with this Idempotency-Key is in progress");
    if (stored.requestHash !== fingerprint)
      throw new ApiError(
        "idempotency_key_reused",
        "This Idempotency-Key was used with a different request; use a new key",
      );
    if (stored.responseStatus === 0)
      throw new ApiError("conflict", "A request with this Idempotency-Key is in progress");
    return { status: stored.responseStatus, body: stored.responseBody };
  }
  try {
    const response = await run();
    await prisma.idempotencyRecord.update({
      where: id,
      data: {
        responseStatus: response.status,
        responseBody: response.body as Prisma.InputJsonValue,
      },
    });
    return response;
  } catch (err) {
    await prisma.idempotencyRecord.delete({ where: id });
    throw err;
  }
}
