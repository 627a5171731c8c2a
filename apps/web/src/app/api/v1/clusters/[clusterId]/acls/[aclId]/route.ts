import { deleteAclEndpoint } from "@/server/rest-api/acls";
import { apiRoute } from "@/server/rest-api/route-handler";

export const dynamic = "force-dynamic";
export const DELETE = apiRoute(deleteAclEndpoint);
