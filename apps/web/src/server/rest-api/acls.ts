import { z } from "zod";
import {
  createAcl,
  deleteAcl,
  listAcls,
  setAclEnforcement,
  setCredentialSuperuser,
} from "../acls/acl-operations.ts";
import { operations, patternTypes, permissions, resourceTypes } from "../acls/acl-model.ts";
import { aclBindingInput, aclFilter } from "../acls/schemas.ts";
import { clusterParams, findOwnCluster } from "./clusters.ts";
import { defineEndpoint } from "./endpoint.ts";
import { decodeCursor, pageOf, pageQuery, paginate } from "./pagination.ts";

const aclSchema = z
  .object({
    id: z.string(),
    resourceType: z.enum(resourceTypes),
    resourceName: z.string().meta({ description: '"*" (LITERAL) matches every resource' }),
    patternType: z.enum(patternTypes),
    principal: z.string().meta({ example: "User:sb_orders" }),
    host: z.string(),
    operation: z.enum(operations),
    permission: z.enum(permissions),
    createdAt: z.iso.datetime(),
  })
  .meta({ id: "Acl" });

type AclRow = Awaited<ReturnType<typeof listAcls>>[number];

// Rows are written through aclBindingInput (or an agent's CreateAcls), so they hold Kafka's names.
function toApi(acl: AclRow): z.input<typeof aclSchema> {
  return { ...acl, createdAt: acl.createdAt.toISOString() } as z.input<typeof aclSchema>;
}

const enforcementSchema = z
  .object({ data: z.object({ aclEnforcement: z.boolean() }) })
  .meta({ id: "AclEnforcement" });

export const listAclsEndpoint = defineEndpoint({
  method: "get",
  path: "/api/v1/clusters/{clusterId}/acls",
  operationId: "listAcls",
  tag: "ACLs",
  summary: "List ACLs",
  description:
    "The cluster's Kafka ACLs in creation order, a page at a time. Filter by `principal` (exact), `resourceType` and `resourceName` (substring).",
  access: "read",
  params: clusterParams,
  query: pageQuery.extend(aclFilter.shape),
  response: pageOf(aclSchema, "AclList"),
  notFound: true,
  async handle({ prisma, principal, params, query }) {
    const cluster = await findOwnCluster(prisma, principal.organizationId, params.clusterId);
    const { limit, cursor, ...filter } = query;
    const rows = await listAcls(prisma, cluster.id, filter, {
      after: decodeCursor(cursor),
      limit: limit + 1,
    });
    return paginate(rows, limit, (a) => a.id, toApi);
  },
});

export const createAclEndpoint = defineEndpoint({
  method: "post",
  path: "/api/v1/clusters/{clusterId}/acls",
  operationId: "createAcl",
  tag: "ACLs",
  summary: "Create an ACL",
  description:
    'One Kafka ACL binding, in Kafka\'s terms: `{"resourceType":"TOPIC","resourceName":"orders.","patternType":"PREFIXED","principal":"User:sb_x","operation":"WRITE","permission":"ALLOW"}`. Host is always `*`; the cluster resource is `kafka-cluster`. Agents apply it within seconds; it only matters once enforcement is on. Honours `Idempotency-Key`.',
  access: "write",
  status: 201,
  idempotent: true,
  params: clusterParams,
  body: aclBindingInput,
  response: z.object({ data: aclSchema }).meta({ id: "NewAcl" }),
  notFound: true,
  async handle({ prisma, principal, actor, params, body }) {
    const cluster = await findOwnCluster(prisma, principal.organizationId, params.clusterId);
    return { data: toApi(await createAcl(prisma, actor, cluster.id, body)) };
  },
});

export const deleteAclEndpoint = defineEndpoint({
  method: "delete",
  path: "/api/v1/clusters/{clusterId}/acls/{aclId}",
  operationId: "deleteAcl",
  tag: "ACLs",
  summary: "Delete an ACL",
  access: "write",
  params: clusterParams.extend({ aclId: z.string().min(1) }),
  response: z.object({ data: z.object({ id: z.string() }) }).meta({ id: "DeletedAcl" }),
  notFound: true,
  async handle({ prisma, principal, actor, params }) {
    const cluster = await findOwnCluster(prisma, principal.organizationId, params.clusterId);
    return { data: await deleteAcl(prisma, actor, cluster.id, params.aclId) };
  },
});

export const getAclEnforcementEndpoint = defineEndpoint({
  method: "get",
  path: "/api/v1/clusters/{clusterId}/acl-enforcement",
  operationId: "getAclEnforcement",
  tag: "ACLs",
  summary: "Whether the cluster enforces ACLs",
  access: "read",
  params: clusterParams,
  response: enforcementSchema,
  notFound: true,
  async handle({ prisma, principal, params }) {
    const cluster = await findOwnCluster(prisma, principal.organizationId, params.clusterId);
    return { data: { aclEnforcement: cluster.aclEnforcement } };
  },
});

export const setAclEnforcementEndpoint = defineEndpoint({
  method: "patch",
  path: "/api/v1/clusters/{clusterId}/acl-enforcement",
  operationId: "setAclEnforcement",
  tag: "ACLs",
  summary: "Turn ACL enforcement on or off",
  description:
    '`{"enabled": true}`: from then on every request of a credential that is not a superuser is refused unless an ACL allows it (deny by default). Off: any credential may do anything.',
  access: "write",
  params: clusterParams,
  body: z.object({ enabled: z.boolean() }),
  response: enforcementSchema,
  notFound: true,
  async handle({ prisma, principal, actor, params, body }) {
    const cluster = await findOwnCluster(prisma, principal.organizationId, params.clusterId);
    return { data: await setAclEnforcement(prisma, actor, cluster, body.enabled) };
  },
});

export const setCredentialSuperuserEndpoint = defineEndpoint({
  method: "patch",
  path: "/api/v1/clusters/{clusterId}/credentials/{credentialId}",
  operationId: "setCredentialSuperuser",
  tag: "ACLs",
  summary: "Make a credential a superuser, or not",
  description:
    '`{"superuser": true}`: the credential bypasses ACLs, as a Kafka `super.users` entry.',
  access: "write",
  params: clusterParams.extend({ credentialId: z.string().min(1) }),
  body: z.object({ superuser: z.boolean() }),
  response: z
    .object({ data: z.object({ id: z.string(), superuser: z.boolean() }) })
    .meta({ id: "CredentialSuperuser" }),
  notFound: true,
  async handle({ prisma, principal, actor, params, body }) {
    const cluster = await findOwnCluster(prisma, principal.organizationId, params.clusterId);
    return {
      data: await setCredentialSuperuser(
        prisma,
        actor,
        cluster.id,
        params.credentialId,
        body.superuser,
      ),
    };
  },
});
