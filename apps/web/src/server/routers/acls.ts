import { z } from "zod";
import {
  createAcl,
  credentialPermissions,
  deleteAcl,
  listAcls,
  setAclEnforcement,
  setCredentialSuperuser,
} from "../acls/acl-operations.ts";
import { aclBindingInput, aclFilter } from "../acls/schemas.ts";
import { clusterProcedure, router } from "../trpc.ts";

export const aclsRouter = router({
  list: clusterProcedure("read")
    .input(aclFilter)
    .query(({ ctx, input }) => listAcls(ctx.prisma, ctx.cluster.id, input)),

  create: clusterProcedure("write")
    .input(aclBindingInput)
    .mutation(({ ctx, input }) => {
      const { clusterId: _clusterId, ...acl } = input;
      return createAcl(ctx.prisma, ctx.actor, ctx.cluster.id, acl);
    }),

  delete: clusterProcedure("write")
    .input(z.object({ aclId: z.string().min(1) }))
    .mutation(({ ctx, input }) => deleteAcl(ctx.prisma, ctx.actor, ctx.cluster.id, input.aclId)),

  setEnforcement: clusterProcedure("write")
    .input(z.object({ enabled: z.boolean() }))
    .mutation(({ ctx, input }) =>
      setAclEnforcement(ctx.prisma, ctx.actor, ctx.cluster, input.enabled),
    ),

  setSuperuser: clusterProcedure("write")
    .input(z.object({ credentialId: z.string().min(1), superuser: z.boolean() }))
    .mutation(({ ctx, input }) =>
      setCredentialSuperuser(
        ctx.prisma,
        ctx.actor,
        ctx.cluster.id,
        input.credentialId,
        input.superuser,
      ),
    ),

  credentialPermissions: clusterProcedure("read").query(({ ctx }) =>
    credentialPermissions(ctx.prisma, ctx.cluster),
  ),
});
