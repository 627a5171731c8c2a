import type { PrismaClient } from "@streambed/db";
import { verifyPlainPassword } from "@streambed/protocol/sasl/plain-hash";
import { hashApiKey } from "../api-keys/api-key.ts";
import { createAuth } from "../auth/auth.ts";
import { credentialSecrets } from "../credentials/kafka-credential.ts";

export interface DemoSeedInput {
  email: string;
  password: string;
  saslUsername: string;
  saslPassword: string;
  /** A REST API key (`sbk_…`) for the demo organization. */
  apiKey: string;
}

export interface DemoSeedResult {
  userId: string;
  organizationId: string;
  clusterId: string;
  saslUsername: string;
}

export const demoClusterName = "demo";

/**
 * The demo account `npm start` prints: a user (signed up through better-auth, so the password
 * hash is the library's), their organization, a cluster, a SASL credential and a REST API key. Idempotent: with
 * the same inputs a second run changes nothing and returns the same ids.
 */
export async function seedDemo(
  prisma: PrismaClient,
  input: DemoSeedInput,
): Promise<DemoSeedResult> {
  const email = input.email.toLowerCase();
  let user = await prisma.user.findUnique({ where: { email } });
  if (!user) {
    await createAuth(prisma).api.signUpEmail({
      body: { email, password: input.password, name: "Demo" },
    });
    user = await prisma.user.findUniqueOrThrow({ where: { email } });
  }

  const membership = await prisma.member.findFirst({
    where: { userId: user.id, role: "owner" },
    orderBy: { createdAt: "asc" },
  });
  if (!membership) throw new Error(`demo user ${email} owns no organization`);
  const organizationId = membership.organizationId;

  const cluster =
    (await prisma.virtualCluster.findFirst({
      where: { organizationId, name: demoClusterName, deletedAt: null },
    })) ??
    (await prisma.virtualCluster.create({
      data: { organizationId, name: demoClusterName, region: "local" },
    }));

  const credential = await prisma.kafkaCredential.findUnique({
    where: { username: input.saslUsername },
  });
  if (!credential) {
    await prisma.kafkaCredential.create({
      data: {
        clusterId: cluster.id,
        username: input.saslUsername,
        description: "Demo credential created by npm start",
        createdById: user.id,
        ...(await credentialSecrets(input.saslPassword)),
      },
    });
  } else if (
    credential.clusterId !== cluster.id ||
    credential.revokedAt ||
    !(await verifyPlainPassword(input.saslPassword, credential.plainHash))
  ) {
    // Same username, different password or cluster: bring the credential in line with the inputs.
    await prisma.kafkaCredential.update({
      where: { id: credential.id },
      data: {
        clusterId: cluster.id,
        revokedAt: null,
        ...(await credentialSecrets(input.saslPassword)),
      },
    });
  }

  // The key acts as the owner it is printed beside; stored, like every API key, as its sha256.
  const keyHash = hashApiKey(input.apiKey);
  await prisma.apiKey.upsert({
    where: { keyHash },
    create: {
      organizationId,
      name: "Demo key created by npm start",
      keyPrefix: input.apiKey.slice(0, 12),
      keyHash,
      role: "owner",
      createdById: user.id,
    },
    update: { organizationId, revokedAt: null },
  });

  return {
    userId: user.id,
    organizationId,
    clusterId: cluster.id,
    saslUsername: input.saslUsername,
  };
}
