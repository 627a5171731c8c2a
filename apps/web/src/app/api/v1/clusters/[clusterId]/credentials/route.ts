import { createCredentialEndpoint, listCredentialsEndpoint } from "@/server/rest-api/credentials";
import { apiRoute } from "@/server/rest-api/route-handler";

export const dynamic = "force-dynamic";
export const GET = apiRoute(listCredentialsEndpoint);
export const POST = apiRoute(createCredentialEndpoint);
