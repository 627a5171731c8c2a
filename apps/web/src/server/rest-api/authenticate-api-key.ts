import type { PrismaClient } from "@streambed/db";
import { apiKeyPrefix, hashApiKey } from "../api-keys/api-key.ts";

/** Who a REST API request acts as: one organization, with the key's role. */
export interface ApiPrincipal {
  apiKeyId: string;
  organizationId: string;
  role: string;
  /** The member who created the key: invitations made with it come from them. */
  createdById: string | null;
}

/** last_used_at is a hint for people, so it is written at most once a minute per key. */
const lastUsedResolutionMs = 60_000;

/**
 * The principal of an `Authorization: Bearer sbk_…` header, or null when the key is missing,
 * unknown or revoked. Other bearer tokens (agent keys of the ingest endpoint) are not API keys.
 */
export async function authenticateApiKey(
  prisma: PrismaClient,
  authorization: string | null,
): Promise<ApiPrincipal | null> {
  const secret = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? "")?.[1];
  if (!secret?.startsWith(apiKeyPrefix)) return null;
  const key = await prisma.apiKey.findUnique({ where: { keyHash: hashApiKey(secret) } });
  if (!key || key.revokedAt) return null;
  const now = new Date();
  if (!key.lastUsedAt || now.getTime() - key.lastUsedAt.getTime() > lastUsedResolutionMs)
    await prisma.apiKey.update({ where: { id: key.id }, data: { lastUsedAt: now } });
  return {
    apiKeyId: key.id,
    organizationId: key.organizationId,
    role: key.role,
    createdById: key.createdById,
  };
}
