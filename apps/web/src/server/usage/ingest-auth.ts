import { randomBytes, timingSafeEqual } from "node:crypto";
import type { PrismaClient } from "@streambed/db";
// Subpaths: the package root also exports the migration runner, which a route must not bundle.
import { hashAgentKey } from "@streambed/db/agent-key-hash";
import { USAGE_INGEST_SECRET } from "@streambed/db/usage-metering";

/** Who is reporting usage, as proven by the bearer token. */
export type IngestPrincipal =
  /** A dedicated agent: its key fixes the one cluster (and organization) it may report. */
  | { kind: "dedicated"; clusterId: string; organizationId: string }
  /** A shared agent (deployment ingest token): any cluster, organization from the cluster's row. */
  | { kind: "shared" };

let ingestToken: Promise<string> | undefined;

/**
 * The deployment's ingest token, created by the first process that needs it (agent or web): the
 * first random value wins, concurrent callers agree. It never changes, so it is read once.
 */
export function usageIngestToken(prisma: PrismaClient): Promise<string> {
  ingestToken ??= (async () => {
    await prisma.deploymentSecret.createMany({
      data: [{ name: USAGE_INGEST_SECRET, value: randomBytes(32).toString("base64url") }],
      skipDuplicates: true,
    });
    const secret = await prisma.deploymentSecret.findUniqueOrThrow({
      where: { name: USAGE_INGEST_SECRET },
    });
    return secret.value;
  })().catch((err: unknown) => {
    ingestToken = undefined;
    throw err;
  });
  return ingestToken;
}

/** The principal of an `Authorization: Bearer <agent key | ingest token>` header, or null. */
export async function authenticateIngest(
  prisma: PrismaClient,
  authorization: string | null,
): Promise<IngestPrincipal | null> {
  const match = /^Bearer (\S+)$/.exec(authorization ?? "");
  if (!match) return null;
  const secret = match[1]!;
  const key = await prisma.agentKey.findUnique({
    where: { keyHash: hashAgentKey(secret) },
    select: { revokedAt: true, cluster: { select: { id: true, organizationId: true } } },
  });
  if (key) {
    if (key.revokedAt !== null) return null;
    return {
      kind: "dedicated",
      clusterId: key.cluster.id,
      organizationId: key.cluster.organizationId,
    };
  }
  const token = Buffer.from(await usageIngestToken(prisma));
  const presented = Buffer.from(secret);
  return presented.length === token.length && timingSafeEqual(presented, token)
    ? { kind: "shared" }
    : null;
}
