import type { PrismaClient } from "@streambed/db";
import { auditAs, type Actor } from "../audit/actor.ts";
import { notFound } from "../errors/domain-error.ts";
import { generateAgentKey } from "./agent-key.ts";
import {
  credentialSecrets,
  generateSaslPassword,
  generateSaslUsername,
} from "./kafka-credential.ts";

/*
 * Application (SASL) credentials and agent keys of a cluster. Secrets are returned once by the
 * create functions; only verifiers and hashes are stored. Agents look credentials up with a short
 * cache (apps/agent/src/auth/credential-cache.ts), so a revocation locks clients out within it.
 */

export function listKafkaCredentials(prisma: PrismaClient, clusterId: string) {
  // The console's own credential (message browser) is internal: never listed or revoked here.
  return prisma.kafkaCredential.findMany({
    where: { clusterId, internal: false },
    select: {
      id: true,
      username: true,
      description: true,
      createdAt: true,
      lastUsedAt: true,
      revokedAt: true,
      createdBy: { select: { email: true } },
    },
    orderBy: { createdAt: "desc" },
  });
}

/** Returns the password once; only verifiers and a hash are stored. */
export async function createKafkaCredential(
  prisma: PrismaClient,
  actor: Actor,
  clusterId: string,
  description: string | undefined,
) {
  const username = generateSaslUsername();
  const password = generateSaslPassword();
  const secrets = await credentialSecrets(password);
  const credential = await prisma.$transaction(async (tx) => {
    const created = await tx.kafkaCredential.create({
      data: {
        clusterId,
        username,
        description: description || null,
        createdById: actor.userId,
        ...secrets,
      },
    });
    await auditAs(tx, actor, {
      action: "kafka_credential.created",
      targetType: "kafka_credential",
      targetId: created.id,
      metadata: { clusterId, username },
    });
    return created;
  });
  return { id: credential.id, username, password, createdAt: credential.createdAt };
}

export async function revokeKafkaCredential(
  prisma: PrismaClient,
  actor: Actor,
  clusterId: string,
  credentialId: string,
) {
  const credential = await prisma.kafkaCredential.findFirst({
    where: { id: credentialId, clusterId, internal: false },
  });
  if (!credential) throw notFound("Credential not found");
  if (credential.revokedAt) return { id: credential.id };
  await prisma.$transaction(async (tx) => {
    await tx.kafkaCredential.update({
      where: { id: credential.id },
      data: { revokedAt: new Date() },
    });
    await auditAs(tx, actor, {
      action: "kafka_credential.revoked",
      targetType: "kafka_credential",
      targetId: credential.id,
      metadata: { clusterId, username: credential.username },
    });
  });
  return { id: credential.id };
}

export function listAgentKeys(prisma: PrismaClient, clusterId: string) {
  return prisma.agentKey.findMany({
    where: { clusterId },
    select: {
      id: true,
      name: true,
      keyPrefix: true,
      createdAt: true,
      lastUsedAt: true,
      revokedAt: true,
      createdBy: { select: { email: true } },
    },
    orderBy: { createdAt: "desc" },
  });
}

/** Returns the key once; only its sha256 is stored. */
export async function createAgentKey(
  prisma: PrismaClient,
  actor: Actor,
  clusterId: string,
  name: string,
) {
  const { secret, keyPrefix, keyHash } = generateAgentKey();
  const key = await prisma.$transaction(async (tx) => {
    const created = await tx.agentKey.create({
      data: { clusterId, name, keyPrefix, keyHash, createdById: actor.userId },
    });
    await auditAs(tx, actor, {
      action: "agent_key.created",
      targetType: "agent_key",
      targetId: created.id,
      metadata: { clusterId, name, keyPrefix },
    });
    return created;
  });
  return { id: key.id, name: key.name, keyPrefix, secret, createdAt: key.createdAt };
}

export async function revokeAgentKey(
  prisma: PrismaClient,
  actor: Actor,
  clusterId: string,
  agentKeyId: string,
) {
  const key = await prisma.agentKey.findFirst({ where: { id: agentKeyId, clusterId } });
  if (!key) throw notFound("Agent key not found");
  if (key.revokedAt) return { id: key.id };
  await prisma.$transaction(async (tx) => {
    await tx.agentKey.update({ where: { id: key.id }, data: { revokedAt: new Date() } });
    await auditAs(tx, actor, {
      action: "agent_key.revoked",
      targetType: "agent_key",
      targetId: key.id,
      metadata: { clusterId, name: key.name },
    });
  });
  return { id: key.id };
}
