import { getAclEnforcementEndpoint, setAclEnforcementEndpoint } from "@/server/rest-api/acls";
import { apiRoute } from "@/server/rest-api/route-handler";

export const dynamic = "force-dynamic";
export const GET = apiRoute(getAclEnforcementEndpoint);
export const PATCH = apiRoute(setAclEnforcementEndpoint);
