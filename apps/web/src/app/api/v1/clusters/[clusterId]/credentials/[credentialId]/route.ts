import { setCredentialSuperuserEndpoint } from "@/server/rest-api/acls";
import { revokeCredentialEndpoint } from "@/server/rest-api/credentials";
import { apiRoute } from "@/server/rest-api/route-handler";

export const dynamic = "force-dynamic";
export const DELETE = apiRoute(revokeCredentialEndpoint);
export const PATCH = apiRoute(setCredentialSuperuserEndpoint);
