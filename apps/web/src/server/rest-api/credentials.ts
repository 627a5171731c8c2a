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
import { clusterParams, findApiCluster } from "./clusters.ts";
import { defineEndpoint } from "./endpoint.ts";

const instant = z.iso.datetime();
const iso = (d: Date | null) => (d ? d.toISOString() : null);

const credentialSchema = z
  .object({
    id: z.string(),
    username: z.string().meta({ description: "SASL username (PLAIN, SCRAM-SHA-256/512)" }),
    description: z.string().nullable(),
    createdAt: instant,
    lastUsedAt: instant.nullable(),
    revokedAt: instant.nullable(),
  })
  .meta({ id: "Credential" });

const agentKeySchema = z
  .object({
    id: z.string(),
    name: z.string(),
    keyPrefix: z.string(),
    createdAt: instant,
    lastUsedAt: instant.nullable(),
    revokedAt: instant.nullable(),
  })
  .meta({ id: "AgentKey" });

export const listCredentialsEndpoint = defineEndpoint({
  method: "get",
  path: "/api/v1/clusters/{clusterId}/credentials",
  operationId: "listCredentials",
  tag: "Credentials",
  summary: "List application credentials",
  description: "SASL credentials of the cluster, newest first (passwords are never shown again).",
  access: "read",
  params: clusterParams,
  response: z.object({ data: z.array(credentialSchema) }).meta({ id: "CredentialList" }),
  notFound: true,
  async handle({ prisma, principal, params }) {
    const cluster = await findApiCluster(prisma, principal.organizationId, params.clusterId);
    const rows = await listKafkaCredentials(prisma, cluster.id);
    return {
      data: rows.map((c) => ({
        id: c.id,
        username: c.username,
        description: c.description,
        createdAt: c.createdAt.toISOString(),
        lastUsedAt: iso(c.lastUsedAt),
        revokedAt: iso(c.revokedAt),
      })),
    };
  },
});

export const createCredentialEndpoint = defineEndpoint({
  method: "post",
  path: "/api/v1/clusters/{clusterId}/credentials",
  operationId: "createCredential",
  tag: "Credentials",
  summary: "Create an application credential",
  description:
    "A SASL username and password for Kafka clients of the cluster. The password is in this response only. With an `Idempotency-Key`, a retry gets the same credential.",
  access: "write",
  status: 201,
  idempotent: true,
  params: clusterParams,
  body: z.object({ description: credentialDescription }),
  response: z
    .object({
      data: z.object({
        id: z.string(),
        username: z.string(),
        password: z.string().meta({ description: "Shown once" }),
        createdAt: instant,
      }),
    })
    .meta({ id: "NewCredential" }),
  notFound: true,
  async handle({ prisma, principal, actor, params, body }) {
    const cluster = await findApiCluster(prisma, principal.organizationId, params.clusterId);
    const created = await createKafkaCredential(prisma, actor, cluster.id, body.description);
    return { data: { ...created, createdAt: created.createdAt.toISOString() } };
  },
});

export const revokeCredentialEndpoint = defineEndpoint({
  method: "delete",
  path: "/api/v1/clusters/{clusterId}/credentials/{credentialId}",
  operationId: "revokeCredential",
  tag: "Credentials",
  summary: "Revoke an application credential",
  description: "Clients using it are refused from their next authentication.",
  access: "write",
  params: clusterParams.extend({ credentialId: z.string().min(1) }),
  response: z.object({ data: z.object({ id: z.string() }) }).meta({ id: "RevokedCredential" }),
  notFound: true,
  async handle({ prisma, principal, actor, params }) {
    const cluster = await findApiCluster(prisma, principal.organizationId, params.clusterId);
    return { data: await revokeKafkaCredential(prisma, actor, cluster.id, params.credentialId) };
  },
});

export const listAgentKeysEndpoint = defineEndpoint({
  method: "get",
  path: "/api/v1/clusters/{clusterId}/agent-keys",
  operationId: "listAgentKeys",
  tag: "Agent keys",
  summary: "List agent keys",
  access: "read",
  params: clusterParams,
  response: z.object({ data: z.array(agentKeySchema) }).meta({ id: "AgentKeyList" }),
  notFound: true,
  async handle({ prisma, principal, params }) {
    const cluster = await findApiCluster(prisma, principal.organizationId, params.clusterId);
    const rows = await listAgentKeys(prisma, cluster.id);
    return {
      data: rows.map((k) => ({
        id: k.id,
        name: k.name,
        keyPrefix: k.keyPrefix,
        createdAt: k.createdAt.toISOString(),
        lastUsedAt: iso(k.lastUsedAt),
        revokedAt: iso(k.revokedAt),
      })),
    };
  },
});

export const createAgentKeyEndpoint = defineEndpoint({
  method: "post",
  path: "/api/v1/clusters/{clusterId}/agent-keys",
  operationId: "createAgentKey",
  tag: "Agent keys",
  summary: "Create an agent key",
  description: "A key for dedicated agents of the cluster. The secret is in this response only.",
  access: "write",
  status: 201,
  idempotent: true,
  params: clusterParams,
  body: z.object({ name: agentKeyName }),
  response: z
    .object({
      data: z.object({
        id: z.string(),
        name: z.string(),
        keyPrefix: z.string(),
        secret: z.string().meta({ description: "Shown once" }),
        createdAt: instant,
      }),
    })
    .meta({ id: "NewAgentKey" }),
  notFound: true,
  async handle({ prisma, principal, actor, params, body }) {
    const cluster = await findApiCluster(prisma, principal.organizationId, params.clusterId);
    const created = await createAgentKey(prisma, actor, cluster.id, body.name);
    return { data: { ...created, createdAt: created.createdAt.toISOString() } };
  },
});

export const revokeAgentKeyEndpoint = defineEndpoint({
  method: "delete",
  path: "/api/v1/clusters/{clusterId}/agent-keys/{agentKeyId}",
  operationId: "revokeAgentKey",
  tag: "Agent keys",
  summary: "Revoke an agent key",
  access: "write",
  params: clusterParams.extend({ agentKeyId: z.string().min(1) }),
  response: z.object({ data: z.object({ id: z.string() }) }).meta({ id: "RevokedAgentKey" }),
  notFound: true,
  async handle({ prisma, principal, actor, params }) {
    const cluster = await findApiCluster(prisma, principal.organizationId, params.clusterId);
    return { data: await revokeAgentKey(prisma, actor, cluster.id, params.agentKeyId) };
  },
});
