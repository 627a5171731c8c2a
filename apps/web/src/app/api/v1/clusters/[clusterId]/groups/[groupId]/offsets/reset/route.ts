import { resetGroupOffsetsEndpoint } from "@/server/rest-api/groups";
import { apiRoute } from "@/server/rest-api/route-handler";

export const dynamic = "force-dynamic";
export const POST = apiRoute(resetGroupOffsetsEndpoint);
