import type { Prisma, PrismaClient, VirtualCluster } from "@streambed/db";
import { auditAs, type Actor } from "../audit/actor.ts";
import { DomainError, notFound } from "../errors/domain-error.ts";
import { isUniqueViolation } from "../errors/unique-violation.ts";
import { effectivePermissions } from "./acl-evaluation.ts";
import { principalOf } from "./acl-model.ts";
import type { AclBindingInput, AclFilter } from "./schemas.ts";

/*
 * ACLs of a cluster from the console and the REST API. They only write acl_bindings, the
 * enforcement switch and the superuser flag; agents learn of changes through a Postgres trigger
 * on those tables and enforce them.
 */

type Cluster = Pick<VirtualCluster, "id" | "aclEnforcement">;

const aclColumns = {
  id: true,
  resourceType: true,
  resourceName: true,
  patternType: true,
  principal: true,
  host: true,
  operation: true,
  permission: true,
  createdAt: true,
} satisfies Prisma.AclBindingSelect;

/** The cluster's ACLs in creation order (ids), optionally filtered; `after`/`limit` page through them. */
export function listAcls(
  prisma: PrismaClient,
  clusterId: string,
  filter: AclFilter = {},
  page: { after?: string; limit?: number } = {},
) {
  return prisma.aclBinding.findMany({
    where: {
      clusterId,
      ...(filter.principal ? { principal: filter.principal } : {}),
      ...(filter.resourceType ? { resourceType: filter.resourceType } : {}),
      ...(filter.resourceName
        ? { resourceName: { contains: filter.resourceName, mode: "insensitive" } }
        : {}),
      ...(page.after !== undefined ? { id: { gt: page.after } } : {}),
    },
    select: aclColumns,
    orderBy: { id: "asc" },
    ...(page.limit !== undefined ? { take: page.limit } : {}),
  });
}

export async function createAcl(
  prisma: PrismaClient,
  actor: Actor,
  clusterId: string,
  acl: AclBindingInput,
) {
  try {
    return await prisma.$transaction(async (tx) => {
      const created = await tx.aclBinding.create({
        data: { clusterId, ...acl },
        select: aclColumns,
      });
      await auditAs(tx, actor, {
        action: "acl.created",
        targetType: "acl_binding",
        targetId: created.id,
        metadata: { clusterId, ...acl },
      });
      return created;
    });
  } catch (err) {
    if (isUniqueViolation(err)) throw new DomainError("conflict", "This ACL already exists");
    throw err;
  }
}

export async function deleteAcl(
  prisma: PrismaClient,
  actor: Actor,
  clusterId: string,
  aclId: string,
) {
  const acl = await prisma.aclBinding.findFirst({
    where: { id: aclId, clusterId },
    select: aclColumns,
  });
  if (!acl) throw notFound("ACL not found");
  await prisma.$transaction(async (tx) => {
    await tx.aclBinding.delete({ where: { id: acl.id } });
    const { id: _id, createdAt: _createdAt, ...binding } = acl;
    await auditAs(tx, actor, {
      action: "acl.deleted",
      targetType: "acl_binding",
      targetId: acl.id,
      metadata: { clusterId, ...binding },
    });
  });
  return { id: acl.id };
}

/** Turns enforcement on (deny by default for every non-superuser credential) or off. */
export async function setAclEnforcement(
  prisma: PrismaClient,
  actor: Actor,
  cluster: Cluster,
  enabled: boolean,
) {
  if (cluster.aclEnforcement === enabled) return { aclEnforcement: enabled };
  await prisma.$transaction(async (tx) => {
    await tx.virtualCluster.update({
      where: { id: cluster.id },
      data: { aclEnforcement: enabled },
    });
    // The console's own credential (message browser) bypasses ACLs, as an operator's would.
    if (enabled)
      await tx.kafkaCredential.updateMany({
        where: { clusterId: cluster.id, internal: true },
        data: { superuser: true },
      });
    await auditAs(tx, actor, {
      action: enabled ? "acl.enforcement_enabled" : "acl.enforcement_disabled",
      targetType: "cluster",
      targetId: cluster.id,
      metadata: { clusterId: cluster.id },
    });
  });
  return { aclEnforcement: enabled };
}

async function findCredential(prisma: PrismaClient, clusterId: string, credentialId: string) {
  const credential = await prisma.kafkaCredential.findFirst({
    where: { id: credentialId, clusterId, internal: false },
    select: { id: true, username: true, superuser: true, revokedAt: true },
  });
  if (!credential) throw notFound("Credential not found");
  return credential;
}

export async function setCredentialSuperuser(
  prisma: PrismaClient,
  actor: Actor,
  clusterId: string,
  credentialId: string,
  superuser: boolean,
) {
  const credential = await findCredential(prisma, clusterId, credentialId);
  if (credential.superuser === superuser) return { id: credential.id, superuser };
  await prisma.$transaction(async (tx) => {
    await tx.kafkaCredential.update({ where: { id: credential.id }, data: { superuser } });
    await auditAs(tx, actor, {
      action: superuser
        ? "kafka_credential.superuser_granted"
        : "kafka_credential.superuser_revoked",
      targetType: "kafka_credential",
      targetId: credential.id,
      metadata: { clusterId, username: credential.username },
    });
  });
  return { id: credential.id, superuser };
}

/** Every live credential of the cluster with what it may do (acl-evaluation.ts). */
export async function credentialPermissions(prisma: PrismaClient, cluster: Cluster) {
  const [credentials, rules] = await Promise.all([
    prisma.kafkaCredential.findMany({
      where: { clusterId: cluster.id, internal: false, revokedAt: null },
      select: { id: true, username: true, description: true, superuser: true },
      orderBy: { createdAt: "asc" },
    }),
    listAcls(prisma, cluster.id),
  ]);
  return {
    aclEnforcement: cluster.aclEnforcement,
    credentials: credentials.map((c) => ({
      ...c,
      principal: principalOf(c.username),
      permissions: effectivePermissions(rules, principalOf(c.username), {
        enforcement: cluster.aclEnforcement,
        superuser: c.superuser,
      }),
    })),
  };
}
