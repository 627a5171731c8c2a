import { z } from "zod";
import type { PrismaClient } from "@streambed/db";
import {
  createCluster,
  deleteCluster,
  renameCluster,
  updateClusterSettings,
} from "../clusters/cluster-operations.ts";
import { clusterName, clusterSettingsInput, createClusterInput } from "../clusters/schemas.ts";
import { webConfig } from "../config.ts";
import { ApiError } from "./api-error.ts";
import { defineEndpoint } from "./endpoint.ts";

const clusterSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    region: z.string(),
    createdAt: z.iso.datetime(),
    bootstrapAddress: z
      .string()
      .meta({ description: "Kafka bootstrap address (host:port) for clients" }),
    autoCreateTopics: z.boolean(),
    defaultPartitions: z.int(),
  })
  .meta({ id: "Cluster" });

export const clusterIdParam = z
  .string()
  .min(1)
  .meta({ description: "A cluster of the key's organization", example: "cmabc123" });

const columns = {
  id: true,
  name: true,
  region: true,
  createdAt: true,
  autoCreateTopics: true,
  defaultPartitions: true,
} as const;

type ClusterRow = { createdAt: Date } & Omit<
  z.infer<typeof clusterSchema>,
  "createdAt" | "bootstrapAddress"
>;

function toApi(c: ClusterRow): z.infer<typeof clusterSchema> {
  return {
    id: c.id,
    name: c.name,
    region: c.region,
    autoCreateTopics: c.autoCreateTopics,
    defaultPartitions: c.defaultPartitions,
    createdAt: c.createdAt.toISOString(),
    bootstrapAddress: webConfig().bootstrapAddress,
  };
}

/** The organization's (undeleted) cluster, or a 404 that does not tell another org's ids apart. */
export async function findApiCluster(prisma: PrismaClient, organizationId: string, id: string) {
  const cluster = await prisma.virtualCluster.findFirst({
    where: { id, organizationId, deletedAt: null },
    select: columns,
  });
  if (!cluster) throw new ApiError("not_found", `No cluster ${id}`);
  return cluster;
}

/** The whole row of the organization's cluster, for changes; 404 as findApiCluster. */
export async function findOwnCluster(prisma: PrismaClient, organizationId: string, id: string) {
  const cluster = await prisma.virtualCluster.findFirst({
    where: { id, organizationId, deletedAt: null },
  });
  if (!cluster) throw new ApiError("not_found", `No cluster ${id}`);
  return cluster;
}

export const clusterParams = z.object({ clusterId: clusterIdParam });

export const listClusters = defineEndpoint({
  method: "get",
  path: "/api/v1/clusters",
  operationId: "listClusters",
  tag: "Clusters",
  summary: "List clusters",
  description: "The virtual clusters of the key's organization, oldest first.",
  access: "read",
  response: z.object({ data: z.array(clusterSchema) }).meta({ id: "ClusterList" }),
  async handle({ prisma, principal }) {
    const clusters = await prisma.virtualCluster.findMany({
      where: { organizationId: principal.organizationId, deletedAt: null },
      select: columns,
      orderBy: { createdAt: "asc" },
    });
    return { data: clusters.map(toApi) };
  },
});

export const getCluster = defineEndpoint({
  method: "get",
  path: "/api/v1/clusters/{clusterId}",
  operationId: "getCluster",
  tag: "Clusters",
  summary: "Get a cluster",
  access: "read",
  params: z.object({ clusterId: clusterIdParam }),
  response: z.object({ data: clusterSchema }).meta({ id: "ClusterResponse" }),
  notFound: true,
  async handle({ prisma, principal, params }) {
    return {
      data: toApi(await findApiCluster(prisma, principal.organizationId, params.clusterId)),
    };
  },
});

export const createClusterEndpoint = defineEndpoint({
  method: "post",
  path: "/api/v1/clusters",
  operationId: "createCluster",
  tag: "Clusters",
  summary: "Create a cluster",
  description:
    "A new virtual cluster, reachable at once at the bootstrap address. Send an `Idempotency-Key` header to make retries safe.",
  access: "write",
  status: 201,
  idempotent: true,
  body: z.object({
    name: clusterName.meta({ example: "payments" }),
    region: createClusterInput.shape.region.default("local"),
  }),
  response: z.object({ data: clusterSchema }).meta({ id: "ClusterResponse" }),
  async handle({ prisma, actor, body }) {
    return { data: toApi(await createCluster(prisma, actor, body)) };
  },
});

export const updateClusterEndpoint = defineEndpoint({
  method: "patch",
  path: "/api/v1/clusters/{clusterId}",
  operationId: "updateCluster",
  tag: "Clusters",
  summary: "Rename a cluster or change its settings",
  description: "Only the fields sent change.",
  access: "write",
  params: clusterParams,
  body: clusterSettingsInput.partial().extend({ name: clusterName.optional() }),
  response: z.object({ data: clusterSchema }).meta({ id: "ClusterResponse" }),
  notFound: true,
  async handle({ prisma, principal, actor, params, body }) {
    let cluster = await findOwnCluster(prisma, principal.organizationId, params.clusterId);
    const { name, ...changes } = body;
    if (name !== undefined && name !== cluster.name)
      cluster = await renameCluster(prisma, actor, cluster, name);
    if (Object.values(changes).some((v) => v !== undefined))
      cluster = await updateClusterSettings(prisma, actor, cluster, {
        autoCreateTopics: changes.autoCreateTopics ?? cluster.autoCreateTopics,
        defaultPartitions: changes.defaultPartitions ?? cluster.defaultPartitions,
        defaultRetentionMs: changes.defaultRetentionMs ?? Number(cluster.defaultRetentionMs),
        requireSasl: changes.requireSasl ?? cluster.requireSasl,
        deletionProtection: changes.deletionProtection ?? cluster.deletionProtection,
      });
    return { data: toApi(cluster) };
  },
});

export const deleteClusterEndpoint = defineEndpoint({
  method: "delete",
  path: "/api/v1/clusters/{clusterId}",
  operationId: "deleteCluster",
  tag: "Clusters",
  summary: "Delete a cluster",
  description:
    "Revokes its credentials and agent keys at once. Refused (409) while deletion protection is on.",
  access: "manage",
  params: clusterParams,
  response: z.object({ data: z.object({ id: z.string() }) }).meta({ id: "DeletedCluster" }),
  notFound: true,
  async handle({ prisma, principal, actor, params }) {
    const cluster = await findOwnCluster(prisma, principal.organizationId, params.clusterId);
    return { data: await deleteCluster(prisma, actor, cluster) };
  },
});
