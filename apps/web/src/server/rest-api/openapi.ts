import { OpenAPIRegistry, OpenApiGeneratorV31 } from "@asteasolutions/zod-to-openapi";
import type { ResponseConfig } from "@asteasolutions/zod-to-openapi";
import { apiErrorSchema } from "./api-error.ts";
import { advanceTestClockEndpoint } from "./billing.ts";
import { getCluster, listClusters } from "./clusters.ts";
import type { ApiEndpoint } from "./endpoint.ts";
import { getInvoiceEndpoint, listInvoicesEndpoint, upcomingInvoiceEndpoint } from "./invoices.ts";
import { getUsage } from "./usage.ts";

/**
 * Every operation of the REST API v1. A new one is an endpoint module plus an entry here and a
 * route file under app/api/v1 that exports `apiRoute(endpoint)`.
 */
export const apiEndpoints: ApiEndpoint[] = [
  listClusters,
  getCluster,
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
      ...(endpoint.body && {
        body: { required: true, content: { "application/json": { schema: endpoint.body } } },
      }),
    },
    responses: {
      200: {
        description: "OK",
        content: { "application/json": { schema: endpoint.response } },
      },
      400: errorResponse(endpoint.body ? "Invalid parameters or body" : "Invalid parameters"),
      401: errorResponse("Missing, unknown or revoked API key"),
      403: errorResponse("The key's role does not allow this"),
      ...(endpoint.notFound && {
        404: errorResponse("No such resource in the key's organization"),
      }),
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
        'Read your organization\'s clusters, metered usage and invoices. Authenticate with `Authorization: Bearer <API key>`; errors are `{"error":{"code","message"}}`. Quantities are decimal strings.',
    },
    servers: [{ url: "/" }],
  });
}

export type OpenApiDocument = ReturnType<typeof openApiDocument>;
