import { createAclEndpoint, listAclsEndpoint } from "@/server/rest-api/acls";
import { apiRoute } from "@/server/rest-api/route-handler";

export const dynamic = "force-dynamic";
export const GET = apiRoute(listAclsEndpoint);
export const POST = apiRoute(createAclEndpoint);
