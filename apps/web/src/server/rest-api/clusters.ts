import { z } from "zod";
import type { PrismaClient } from "@streambed/db";
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

const clusterIdParam = z
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
    ...c,
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
