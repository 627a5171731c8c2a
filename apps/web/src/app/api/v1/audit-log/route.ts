import { listAuditLogEndpoint } from "@/server/rest-api/members";
import { apiRoute } from "@/server/rest-api/route-handler";

export const dynamic = "force-dynamic";
export const GET = apiRoute(listAuditLogEndpoint);
