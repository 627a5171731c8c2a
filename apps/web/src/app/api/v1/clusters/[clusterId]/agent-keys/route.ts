import { createAgentKeyEndpoint, listAgentKeysEndpoint } from "@/server/rest-api/credentials";
import { apiRoute } from "@/server/rest-api/route-handler";

export const dynamic = "force-dynamic";
export const GET = apiRoute(listAgentKeysEndpoint);
export const POST = apiRoute(createAgentKeyEndpoint);
