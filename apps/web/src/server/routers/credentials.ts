import { TRPCError } from "@trpc/server";
import { z } from "zod";
import { recordAudit } from "../audit/record-audit.ts";
import { generateAgentKey } from "../credentials/agent-key.ts";
import {
  credentialSecrets,
  generateSaslPassword,
  generateSaslUsername,
} from "../credentials/kafka-credential.ts";
import { clusterProcedure, router } from "../trpc.ts";

const description = z.string().trim().max(200, "At most 200 characters").optional();
const agentKeyName = z
  .string()
  .trim()
  .min(1, "Give the key a name")
  .max(64, "At most 64 characters");

export const credentialsRouter = router({
  listKafkaCredentials: clusterProcedure("read").query(({ ctx }) =>
    ctx.prisma.kafkaCredential.findMany({
      where: { clusterId: ctx.cluster.id, internal: false },
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
    }),
  ),

  /** Returns the password once; only verifiers and a hash are stored. */
  createKafkaCredential: clusterProcedure("write")
    .input(z.object({ description }))
    .mutation(async ({ ctx, input }) => {
      const username = generateSaslUsername();
      const password = generateSaslPassword();
      const secrets = await credentialSecrets(password);
      const credential = await ctx.prisma.$transaction(async (tx) => {
        const created = await tx.kafkaCredential.create({
          data: {
            clusterId: ctx.cluster.id,
            username,
            description: input.description || null,
            createdById: ctx.user.id,
            ...secrets,
          },
        });
        await recordAudit(tx, {
          organizationId: ctx.organizationId,
          actorUserId: ctx.user.id,
          action: "kafka_credential.created",
          targetType: "kafka_credential",
          targetId: created.id,
          metadata: { clusterId: ctx.cluster.id, username },
          ip: ctx.ip,
        });
        return created;
      });
      return { id: credential.id, username, password };
    }),

  revokeKafkaCredential: clusterProcedure("write")
    .input(z.object({ credentialId: z.string().min(1) }))
    .mutation(async ({ ctx, input }) => {
      const credential = await ctx.prisma.kafkaCredential.findFirst({
        where: { id: input.credentialId, clusterId: ctx.cluster.id, internal: false },
      });
      if (!credential) throw new TRPCError({ code: "NOT_FOUND", message: "Credential not found" });
      if (credential.revokedAt) return { id: credential.id };
      await ctx.prisma.$transaction(async (tx) => {
        await tx.kafkaCredential.update({
          where: { id: credential.id },
          data: { revokedAt: new Date() },
        });
        await recordAudit(tx, {
          organizationId: ctx.organizationId,
          actorUserId: ctx.user.id,
          action: "kafka_credential.revoked",
          targetType: "kafka_credential",
          targetId: credential.id,
          metadata: { clusterId: ctx.cluster.id, username: credential.username },
          ip: ctx.ip,
        });
      });
      return { id: credential.id };
    }),

  listAgentKeys: clusterProcedure("read").query(({ ctx }) =>
    ctx.prisma.agentKey.findMany({
      where: { clusterId: ctx.cluster.id },
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
    }),
  ),

  /** Returns the key once; only its sha256 is stored. */
  createAgentKey: clusterProcedure("write")
    .input(z.object({ name: agentKeyName }))
    .mutation(async ({ ctx, input }) => {
      const { secret, keyPrefix, keyHash } = generateAgentKey();
      const key = await ctx.prisma.$transaction(async (tx) => {
        const created = await tx.agentKey.create({
          data: {
            clusterId: ctx.cluster.id,
            name: input.name,
            keyPrefix,
            keyHash,
            createdById: ctx.user.id,
          },
        });
        await recordAudit(tx, {
          organizationId: ctx.organizationId,
          actorUserId: ctx.user.id,
          action: "agent_key.created",
          targetType: "agent_key",
          targetId: created.id,
          metadata: { clusterId: ctx.cluster.id, name: input.name, keyPrefix },
          ip: ctx.ip,
        });
        return created;
      });
      return { id: key.id, name: key.name, secret };
    }),

  revokeAgentKey: clusterProcedure("write")
    .input(z.object({ agentKeyId: z.string().min(1) }))
    .mutation(async ({ ctx, input }) => {
      const key = await ctx.prisma.agentKey.findFirst({
        where: { id: input.agentKeyId, clusterId: ctx.cluster.id },
      });
      if (!key) throw new TRPCError({ code: "NOT_FOUND", message: "Agent key not found" });
      if (key.revokedAt) return { id: key.id };
      await ctx.prisma.$transaction(async (tx) => {
        await tx.agentKey.update({ where: { id: key.id }, data: { revokedAt: new Date() } });
        await recordAudit(tx, {
          organizationId: ctx.organizationId,
          actorUserId: ctx.user.id,
          action: "agent_key.revoked",
          targetType: "agent_key",
          targetId: key.id,
          metadata: { clusterId: ctx.cluster.id, name: key.name },
          ip: ctx.ip,
        });
      });
      return { id: key.id };
    }),
});
