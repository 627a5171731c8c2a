import { createHmac } from "node:crypto";
import type { PrismaClient } from "@streambed/db";
import { verifyPlainPassword } from "@streambed/protocol/sasl/plain-hash";
import { credentialSecrets } from "../credentials/kafka-credential.ts";
import { isUniqueViolation } from "../errors/unique-violation.ts";

/**
 * The console reads and writes a cluster's messages as a Kafka client of that cluster, with the
 * cluster's own internal credential: agents authenticate it like any other (SCRAM against stored
 * verifiers), so the console gets no path around the agents' authentication and no agent change.
 * Its password is HMAC(deployment secret, cluster id): never stored, the same in every console
 * process, and changed by rotating the secret (the stored verifiers then follow on next use).
 * The row is `internal`: hidden from the credential list and not revocable by users.
 */
export function consoleCredentialFor(clusterId: string, deploymentSecret: string) {
  return {
    username: `sb-console-${clusterId}`,
    password: createHmac("sha256", deploymentSecret)
      .update(`streambed-console-kafka:${clusterId}`)
      .digest("base64url"),
  };
}

const ensured = new Map<string, Promise<void>>();

/** Makes sure the cluster's console credential exists and matches the current secret (once per process). */
export function ensureConsoleCredential(
  prisma: PrismaClient,
  clusterId: string,
  deploymentSecret: string,
): Promise<{ username: string; password: string }> {
  const credential = consoleCredentialFor(clusterId, deploymentSecret);
  let done = ensured.get(clusterId);
  if (!done) {
    done = storeConsoleCredential(prisma, clusterId, credential);
    ensured.set(clusterId, done);
    done.catch(() => ensured.delete(clusterId));
  }
  return done.then(() => credential);
}

async function storeConsoleCredential(
  prisma: PrismaClient,
  clusterId: string,
  credential: { username: string; password: string },
): Promise<void> {
  const existing = await prisma.kafkaCredential.findUnique({
    where: { username: credential.username },
  });
  if (
    existing &&
    existing.revokedAt === null &&
    existing.superuser &&
    (await verifyPlainPassword(credential.password, existing.plainHash))
  )
    return;
  const secrets = await credentialSecrets(credential.password);
  if (existing) {
    await prisma.kafkaCredential.update({
      where: { id: existing.id },
      data: { ...secrets, revokedAt: null, internal: true, superuser: true },
    });
    return;
  }
  try {
    await prisma.kafkaCredential.create({
      data: {
        clusterId,
        username: credential.username,
        internal: true,
        // The message browser keeps working when the cluster enforces ACLs.
        superuser: true,
        description: "Streambed console (message browser)",
        ...secrets,
      },
    });
  } catch (err) {
    // Another console process created it at the same moment, from the same secret.
    if (!isUniqueViolation(err)) throw err;
  }
}
