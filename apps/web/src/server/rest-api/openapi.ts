import { OpenAPIRegistry, OpenApiGeneratorV31 } from "@asteasolutions/zod-to-openapi";
import type { ResponseConfig } from "@asteasolutions/zod-to-openapi";
import { z } from "zod";
import {
  createAclEndpoint,
  deleteAclEndpoint,
  getAclEnforcementEndpoint,
  listAclsEndpoint,
  setAclEnforcementEndpoint,
  setCredentialSuperuserEndpoint,
} from "./acls.ts";
import { apiErrorSchema } from "./api-error.ts";
import { advanceTestClockEndpoint } from "./billing.ts";
import {
  createClusterEndpoint,
  deleteClusterEndpoint,
  getCluster,
  listClusters,
  updateClusterEndpoint,
} from "./clusters.ts";
import {
  createAgentKeyEndpoint,
  createCredentialEndpoint,
  listAgentKeysEndpoint,
  listCredentialsEndpoint,
  revokeAgentKeyEndpoint,
  revokeCredentialEndpoint,
} from "./credentials.ts";
import { getGroupLagEndpoint, listGroupsEndpoint, resetGroupOffsetsEndpoint } from "./groups.ts";
import {
  cancelInvitationEndpoint,
  createInvitationEndpoint,
  listAuditLogEndpoint,
  listInvitationsEndpoint,
  listMembersEndpoint,
} from "./members.ts";
import {
  createTopicEndpoint,
  deleteTopicEndpoint,
  getTopicConfigsEndpoint,
  listTopicsEndpoint,
  updateTopicConfigsEndpoint,
} from "./topics.ts";
import type { ApiEndpoint } from "./endpoint.ts";
import { getInvoiceEndpoint, listInvoicesEndpoint, upcomingInvoiceEndpoint } from "./invoices.ts";
import { getUsage } from "./usage.ts";

/**
 * Every operation of the REST API v1. A new one is an endpoint module plus an entry here and a
 * route file under app/api/v1 that exports `apiRoute(endpoint)`.
 */
export const apiEndpoints: ApiEndpoint[] = [
  listClusters,
  createClusterEndpoint,
  getCluster,
  updateClusterEndpoint,
  deleteClusterEndpoint,
  listCredentialsEndpoint,
  createCredentialEndpoint,
  revokeCredentialEndpoint,
  listAgentKeysEndpoint,
  createAgentKeyEndpoint,
  revokeAgentKeyEndpoint,
  listTopicsEndpoint,
  createTopicEndpoint,
  deleteTopicEndpoint,
  getTopicConfigsEndpoint,
  updateTopicConfigsEndpoint,
  listAclsEndpoint,
  createAclEndpoint,
  deleteAclEndpoint,
  getAclEnforcementEndpoint,
  setAclEnforcementEndpoint,
  setCredentialSuperuserEndpoint,
  listGroupsEndpoint,
  getGroupLagEndpoint,
  resetGroupOffsetsEndpoint,
  listMembersEndpoint,
  listInvitationsEndpoint,
  createInvitationEndpoint,
  cancelInvitationEndpoint,
  listAuditLogEndpoint,
  getUsage,
  listInvoicesEndpoint,
  upcomingInvoiceEndpoint,
  getInvoiceEndpoint,
  advanceTestClockEndpoint,
];

function errorResponse(description: string): ResponseConfig {
  return { description, content: { "application/json": { schema: apiErrorSchema } } };
}

function registerEndpoint(registry: OpenAPIRegistry, endpoint: ApiEndpoint): void {
  registry.registerPath({
    method: endpoint.method,
    path: endpoint.path,
    operationId: endpoint.operationId,
    summary: endpoint.summary,
    description: endpoint.description,
    tags: [endpoint.tag],
    security: [{ apiKey: [] }],
    request: {
      query: endpoint.query,
      params: endpoint.params,
      ...(endpoint.idempotent && {
        headers: z.object({
          "Idempotency-Key": z.string().min(1).max(255).optional().meta({
            description:
              "Makes a retry safe: the same key and request within 24 hours get the first response again; the key with another request gets 422",
          }),
        }),
      }),
      ...(endpoint.body && {
        body: { required: true, content: { "application/json": { schema: endpoint.body } } },
      }),
    },
    responses: {
      [endpoint.status ?? 200]: {
        description: endpoint.status === 201 ? "Created" : "OK",
        content: { "application/json": { schema: endpoint.response } },
      },
      400: errorResponse(endpoint.body ? "Invalid parameters or body" : "Invalid parameters"),
      401: errorResponse("Missing, unknown or revoked API key"),
      403: errorResponse("The key's role does not allow this"),
      ...(endpoint.notFound && {
        404: errorResponse("No such resource in the key's organization"),
      }),
      ...(endpoint.method !== "get" && {
        409: errorResponse(
          "Conflicts with the resource's state (a name taken, an active group, protection on)",
        ),
      }),
      ...(endpoint.idempotent && {
        422: errorResponse("The Idempotency-Key was used with a different request"),
      }),
      429: {
        ...errorResponse("Rate limit of the API key reached"),
        headers: { "Retry-After": { description: "Seconds to wait", schema: { type: "integer" } } },
      },
    },
  });
}

/** The OpenAPI 3.1 document of /api/v1, generated from the schemas the handlers validate with. */
export function openApiDocument() {
  const registry = new OpenAPIRegistry();
  registry.registerComponent("securitySchemes", "apiKey", {
    type: "http",
    scheme: "bearer",
    description: "An organization API key (`sbk_…`), created on the console's API keys page.",
  });
  for (const endpoint of apiEndpoints) registerEndpoint(registry, endpoint);
  return new OpenApiGeneratorV31(registry.definitions).generateDocument({
    openapi: "3.1.0",
    info: {
      title: "Streambed API",
      version: "1.0.0",
      description:
        'Manage your organization\'s clusters, credentials, topics, consumer groups and members; read metered usage, invoices and the audit log. Creates honour an `Idempotency-Key` header; lists are paged with `limit` and `cursor`; each API key has a rate limit (429 with `Retry-After`). Authenticate with `Authorization: Bearer <API key>`; errors are `{"error":{"code","message"}}`. Quantities are decimal strings.',
    },
    servers: [{ url: "/" }],
  });
}

export type OpenApiDocument = ReturnType<typeof openApiDocument>;
