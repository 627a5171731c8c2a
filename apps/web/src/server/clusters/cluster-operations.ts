import type { PrismaClient, VirtualCluster } from "@streambed/db";
import type { z } from "zod";
import { auditAs, type Actor } from "../audit/actor.ts";
import { organizationPastDue } from "../billing/dunning.ts";
import { DomainError } from "../errors/domain-error.ts";
import { isUniqueViolation } from "../errors/unique-violation.ts";
import type { clusterSettingsInput, createClusterInput } from "./schemas.ts";

export type ClusterSettings = z.infer<typeof clusterSettingsInput>;

const nameTaken = () =>
  new DomainError("conflict", "A cluster with this name already exists in the organization");

export async function createCluster(
  prisma: PrismaClient,
  actor: Actor,
  input: z.infer<typeof createClusterInput>,
) {
  // Billing never stops traffic or deletes data; it only blocks growth when long past due.
  if ((await organizationPastDue(prisma, actor.organizationId, new Date())).clusterCreationBlocked)
    throw new DomainError(
      "forbidden",
      "This organization is more than 14 days past due: pay the open invoice to create clusters",
    );
  try {
    return await prisma.$transaction(async (tx) => {
      const cluster = await tx.virtualCluster.create({
        data: { organizationId: actor.organizationId, ...input },
      });
      await auditAs(tx, actor, {
        action: "cluster.created",
        targetType: "cluster",
        targetId: cluster.id,
        metadata: { name: cluster.name, region: cluster.region },
      });
      return cluster;
    });
  } catch (err) {
    throw isUniqueViolation(err) ? nameTaken() : err;
  }
}

export async function renameCluster(
  prisma: PrismaClient,
  actor: Actor,
  cluster: VirtualCluster,
  name: string,
) {
  try {
    return await prisma.$transaction(async (tx) => {
      const renamed = await tx.virtualCluster.update({ where: { id: cluster.id }, data: { name } });
      await auditAs(tx, actor, {
        action: "cluster.renamed",
        targetType: "cluster",
        targetId: cluster.id,
        metadata: { from: cluster.name, to: name },
      });
      return renamed;
    });
  } catch (err) {
    throw isUniqueViolation(err) ? nameTaken() : err;
  }
}

export function updateClusterSettings(
  prisma: PrismaClient,
  actor: Actor,
  cluster: VirtualCluster,
  settings: Omit<ClusterSettings, "clusterId">,
) {
  return prisma.$transaction(async (tx) => {
    const updated = await tx.virtualCluster.update({
      where: { id: cluster.id },
      data: { ...settings, defaultRetentionMs: BigInt(settings.defaultRetentionMs) },
    });
    await auditAs(tx, actor, {
      action: "cluster.settings_changed",
      targetType: "cluster",
      targetId: cluster.id,
      metadata: settings,
    });
    return updated;
  });
}

/** Soft delete: frees the name and locks out every client of the cluster at once. */
export async function deleteCluster(prisma: PrismaClient, actor: Actor, cluster: VirtualCluster) {
  if (cluster.deletionProtection)
    throw new DomainError(
      "precondition_failed",
      "Deletion protection is on: turn it off in Settings first",
    );
  const now = new Date();
  await prisma.$transaction(async (tx) => {
    await tx.virtualCluster.update({
      where: { id: cluster.id },
      data: { deletedAt: now, name: `${cluster.name}.deleted.${cluster.id}` },
    });
    await tx.kafkaCredential.updateMany({
      where: { clusterId: cluster.id, revokedAt: null },
      data: { revokedAt: now },
    });
    await tx.agentKey.updateMany({
      where: { clusterId: cluster.id, revokedAt: null },
      data: { revokedAt: now },
    });
    await auditAs(tx, actor, {
      action: "cluster.deleted",
      targetType: "cluster",
      targetId: cluster.id,
      metadata: { name: cluster.name },
    });
  });
  return { id: cluster.id };
}
