import { openApiDocument } from "@/server/rest-api/openapi";

/** Public: the document describes the API, it reveals nothing of any organization. */
export function GET() {
  return Response.json(openApiDocument());
}
