import { z } from "zod";
import {
  createAgentKey,
  createKafkaCredential,
  listAgentKeys,
  listKafkaCredentials,
  revokeAgentKey,
  revokeKafkaCredential,
} from "../credentials/credential-operations.ts";
import { agentKeyName, credentialDescription } from "../credentials/schemas.ts";
import { clusterProcedure, router } from "../trpc.ts";

export const credentialsRouter = router({
  listKafkaCredentials: clusterProcedure("read").query(({ ctx }) =>
    listKafkaCredentials(ctx.prisma, ctx.cluster.id),
  ),

  createKafkaCredential: clusterProcedure("write")
    .input(z.object({ description: credentialDescription }))
    .mutation(async ({ ctx, input }) => {
      const { id, username, password } = await createKafkaCredential(
        ctx.prisma,
        ctx.actor,
        ctx.cluster.id,
        input.description,
      );
      return { id, username, password };
    }),

  revokeKafkaCredential: clusterProcedure("write")
    .input(z.object({ credentialId: z.string().min(1) }))
    .mutation(({ ctx, input }) =>
      revokeKafkaCredential(ctx.prisma, ctx.actor, ctx.cluster.id, input.credentialId),
    ),

  listAgentKeys: clusterProcedure("read").query(({ ctx }) =>
    listAgentKeys(ctx.prisma, ctx.cluster.id),
  ),

  createAgentKey: clusterProcedure("write")
    .input(z.object({ name: agentKeyName }))
    .mutation(async ({ ctx, input }) => {
      const { id, name, secret } = await createAgentKey(
        ctx.prisma,
        ctx.actor,
        ctx.cluster.id,
        input.name,
      );
      return { id, name, secret };
    }),

  revokeAgentKey: clusterProcedure("write")
    .input(z.object({ agentKeyId: z.string().min(1) }))
    .mutation(({ ctx, input }) =>
      revokeAgentKey(ctx.prisma, ctx.actor, ctx.cluster.id, input.agentKeyId),
    ),
});
